/// The elements the feed builder reads, classified once per distinct (namespace, name) so that
/// the builder switches on a small enum rather than comparing strings for every element.
enum FeedElement: UInt8, Sendable {
    case other
    // Structure
    case rssRoot, rdfRoot, atomRoot, channel, item, entry, image, url, xhtmlDiv, mediaGroup
    // Text in RSS's vocabulary, and in Atom's (which carries a `type`)
    case rssTitle, atomTitle, rssLink, atomLink, rssDescription, atomSubtitle, atomSummary, atomContent
    case contentEncoded, xhtmlBody, mediaTitle, mediaDescription, language, ttl, logo, itunesImage
    // Identity, dates, people, topics
    case guid, atomID, lastBuildDate, published, updated, authorText, atomAuthor, atomContributor, atomName
    case categoryText, atomCategory
    // Media and extras
    case enclosure, mediaContent, mediaThumbnail, comments, slashComments, duration

    init(namespace: XMLNamespace, local: String) {
        let rss = namespace == .none || namespace == .rss10 || namespace == .rss090
        let atom = namespace == .atom10 || namespace == .atom03
        switch local {
        case "rss" where namespace == .none: self = .rssRoot
        case "RDF" where namespace == .rdf: self = .rdfRoot
        case "feed" where atom || namespace == .none: self = .atomRoot
        case "channel" where rss: self = .channel
        case "item" where rss: self = .item
        case "entry" where atom: self = .entry
        case "image" where rss: self = .image
        case "image" where namespace == .itunes: self = .itunesImage
        case "url" where rss: self = .url
        case "div" where namespace == .xhtml: self = .xhtmlDiv
        case "group" where namespace == .media: self = .mediaGroup
        case "title" where rss || namespace == .dc: self = .rssTitle
        case "title" where namespace == .media: self = .mediaTitle
        case "title" where atom: self = .atomTitle
        case "link" where rss: self = .rssLink
        case "link" where atom: self = .atomLink
        case "description" where rss || namespace == .dc, "fullitem" where namespace == .none: self = .rssDescription
        case "body" where namespace == .xhtml: self = .xhtmlBody
        case "description" where namespace == .media: self = .mediaDescription
        case "summary" where namespace == .itunes: self = .mediaDescription
        case "subtitle" where namespace == .atom10, "tagline" where namespace == .atom03: self = .atomSubtitle
        case "summary" where atom: self = .atomSummary
        case "content" where atom: self = .atomContent
        case "content" where namespace == .media: self = .mediaContent
        case "encoded" where namespace == .content: self = .contentEncoded
        case "language" where namespace == .none || namespace == .dc: self = .language
        case "ttl" where namespace == .none: self = .ttl
        case "logo" where namespace == .atom10, "icon" where namespace == .atom10: self = .logo
        case "guid" where namespace == .none: self = .guid
        case "id" where atom: self = .atomID
        case "lastBuildDate" where namespace == .none: self = .lastBuildDate
        case "pubDate" where namespace == .none, "published" where namespace == .atom10,
            "issued" where namespace == .atom03 || namespace == .dcterms,
            "created" where namespace == .atom03 || namespace == .dcterms:
            self = .published
        case "updated" where namespace == .atom10, "modified" where namespace == .atom03 || namespace == .dcterms,
            "date" where namespace == .dc || namespace == .dcterms:
            self = .updated
        case "author" where namespace == .none || namespace == .itunes,
            "creator" where namespace == .dc || namespace == .dcterms:
            self = .authorText
        case "author" where atom: self = .atomAuthor
        case "contributor" where atom: self = .atomContributor
        case "name" where atom: self = .atomName
        case "category" where namespace == .none, "subject" where namespace == .dc || namespace == .dcterms:
            self = .categoryText
        case "category" where atom: self = .atomCategory
        case "enclosure" where namespace == .none: self = .enclosure
        case "thumbnail" where namespace == .media: self = .mediaThumbnail
        case "comments" where namespace == .none: self = .comments
        case "comments" where namespace == .slash: self = .slashComments
        case "duration" where namespace == .itunes: self = .duration
        default: self = .other
        }
    }
}
