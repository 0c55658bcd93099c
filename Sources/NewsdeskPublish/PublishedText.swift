import NewsdeskBase
import NewsdeskConfig
import NewsdeskParse
import NewsdeskStories

/// A ranking as it may be published: every plain text (titles, feed names, excerpts, tags)
/// without invisible controls and cut to its cap (``PlainText``), and every link an http(s) one
/// no longer than ``AtomWriter/maxLinkBytes`` that carries none of the secrets of the feed URL
/// it came from (``PublicFeedURL/secrets(of:)``: a private feed's links may echo its token),
/// and (`clean_links`, the default) none of the parameters that only track clicks.
///
/// The normalizer cleans and caps titles and excerpts before they are stored; this is done
/// again here for items stored before that (or under larger caps), for feed names from the
/// config and the database, and because a rule at the last step before the public folder is
/// one nothing upstream can bypass.
public struct PublishedText: Sendable {
    public var maxTitleChars: Int
    public var maxExcerptChars: Int
    /// `clean_links`: links without their tracking parameters.
    public var cleanLinks: Bool

    public init(_ settings: Settings) {
        maxTitleChars = settings.maxTitleChars
        maxExcerptChars = settings.maxExcerptChars
        cleanLinks = settings.cleanLinks
    }

    /// `ranked` with everything in its story as it may be published.
    public func story(_ ranked: RankedStory) -> RankedStory {
        var ranked = ranked
        var story = ranked.story
        story.title = nonEmpty(title(story.title)) ?? "(untitled)"
        story.link = link(story.link, from: story.leadFeed)
        story.excerpt = story.excerpt.map { PlainText.cut(PlainText.visible($0), to: maxExcerptChars, atWord: true) }
        story.sources = story.sources.map { source in
            var source = source
            source.name = nonEmpty(title(source.name)) ?? PublicFeedURL.redacted(source.feedURL)
            source.title = source.title.map(title)
            source.link = link(source.link, from: source.feedURL)
            source.excerpt = nil  // not published
            source.tags = source.tags.map(title)
            return source
        }
        ranked.story = story
        return ranked
    }

    func feed(_ summary: AtomDocument.FeedSummary, url: String) -> AtomDocument.FeedSummary {
        .init(title: title(summary.title), link: link(summary.link, from: url))
    }

    func title(_ text: String) -> String { PlainText.clean(text, limit: maxTitleChars) }

    private func nonEmpty(_ text: String) -> String? { text.isEmpty ? nil : text }

    /// `link` when it may be published as a link of the feed at `feedURL`, else nil; with
    /// `clean_links`, without its tracking parameters.
    func link(_ link: String?, from feedURL: String?) -> String? {
        guard var link = link.flatMap(AtomWriter.webLink) else { return nil }
        if cleanLinks { link = CanonicalURL.withoutTracking(link) }
        guard let feedURL else { return link }
        let decoded = link.removingPercentEncoding ?? link
        return PublicFeedURL.secrets(of: feedURL).contains { link.contains($0) || decoded.contains($0) } ? nil : link
    }
}
