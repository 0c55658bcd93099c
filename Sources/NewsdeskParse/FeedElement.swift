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

    /// Switches on the namespace first: a switch over strings compares them one case at a time,
    /// and this runs for every distinct name of every feed.
    init(namespace: XMLNamespace, local: String) {
        switch namespace {
        case .none: self = Self.plain(local)
        case .rss10, .rss090: self = Self.rss(local)
        case .atom10, .atom03: self = Self.atom(local, version03: namespace == .atom03)
        case .rdf: self = local == "RDF" ? .rdfRoot : .other
        case .dc, .dcterms: self = Self.dublinCore(local, terms: namespace == .dcterms)
        case .media: self = Self.media(local)
        case .itunes: self = Self.itunes(local)
        case .xhtml: self = local == "div" ? .xhtmlDiv : local == "body" ? .xhtmlBody : .other
        case .content: self = local == "encoded" ? .contentEncoded : .other
        case .slash: self = local == "comments" ? .slashComments : .other
        case .xml, .other: self = .other
        }
    }

    /// RSS 0.9x and 2.0 (no namespace); `feed` here is an Atom root that forgot its namespace.
    private static func plain(_ local: String) -> FeedElement {
        switch local {
        case "rss": .rssRoot
        case "feed": .atomRoot
        case "fullitem": .rssDescription
        case "language": .language
        case "ttl": .ttl
        case "guid": .guid
        case "lastBuildDate": .lastBuildDate
        case "pubDate": .published
        case "author": .authorText
        case "category": .categoryText
        case "enclosure": .enclosure
        case "comments": .comments
        default: rss(local)
        }
    }

    /// The elements RSS 1.0 and 0.90 share with RSS 2.0.
    private static func rss(_ local: String) -> FeedElement {
        switch local {
        case "channel": .channel
        case "item": .item
        case "image": .image
        case "url": .url
        case "title": .rssTitle
        case "link": .rssLink
        case "description": .rssDescription
        default: .other
        }
    }

    private static func atom(_ local: String, version03: Bool) -> FeedElement {
        switch local {
        case "feed": .atomRoot
        case "entry": .entry
        case "title": .atomTitle
        case "link": .atomLink
        case "subtitle": version03 ? .other : .atomSubtitle
        case "tagline": version03 ? .atomSubtitle : .other
        case "summary": .atomSummary
        case "content": .atomContent
        case "logo", "icon": version03 ? .other : .logo
        case "id": .atomID
        case "published": version03 ? .other : .published
        case "issued", "created": version03 ? .published : .other
        case "updated": version03 ? .other : .updated
        case "modified": version03 ? .updated : .other
        case "author": .atomAuthor
        case "contributor": .atomContributor
        case "name": .atomName
        case "category": .atomCategory
        default: .other
        }
    }

    private static func dublinCore(_ local: String, terms: Bool) -> FeedElement {
        switch local {
        case "title": terms ? .other : .rssTitle
        case "description": terms ? .other : .rssDescription
        case "language": terms ? .other : .language
        case "issued", "created": terms ? .published : .other
        case "modified": terms ? .updated : .other
        case "date": .updated
        case "creator": .authorText
        case "subject": .categoryText
        default: .other
        }
    }

    private static func media(_ local: String) -> FeedElement {
        switch local {
        case "group": .mediaGroup
        case "title": .mediaTitle
        case "description": .mediaDescription
        case "content": .mediaContent
        case "thumbnail": .mediaThumbnail
        default: .other
        }
    }

    private static func itunes(_ local: String) -> FeedElement {
        switch local {
        case "image": .itunesImage
        case "summary": .mediaDescription
        case "author": .authorText
        case "duration": .duration
        default: .other
        }
    }
}
