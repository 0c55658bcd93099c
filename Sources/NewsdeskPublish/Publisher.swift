import Foundation
import NewsdeskBase
import NewsdeskConfig
import NewsdeskParse
import NewsdeskStore
import NewsdeskStories

/// What one publishing pass wrote.
public struct PublishReport: Sendable, Equatable {
    /// Files written (unchanged files are not rewritten and not counted).
    public var written: [String] = []
    /// Periods whose archive and digest were written in this pass.
    public var periods: [Date] = []
    /// Files deleted because they were older than `keep`.
    public var pruned = 0
}

/// Writes the outputs under `output`: `ranked.atom` and `digest/latest.md` for the latest
/// window, and, once a period of `publish_every` is over, its immutable archive
/// (`archive/YYYY/MM/DD/HH.atom`, `HHMM.atom` for periods shorter than an hour) and digest
/// (`digest/YYYY/MM/DD/HH.md`). A period is published exactly once: it is recorded in the
/// state database, and its files are never rewritten.
///
/// A story belongs to a period by when Newsdesk first saw its coverage, never by the dates the
/// feeds claim (docs/PUBLISHING.md).
public struct Publisher {
    public let config: Config
    public let store: StateStore

    public init(config: Config, store: StateStore) {
        self.config = config
        self.store = store
    }

    var output: String { config.settings.output }
    var zone: TimeZone { TimeZone(identifier: config.settings.timezone) ?? TimeZone(identifier: "UTC") ?? .current }
    var period: TimeInterval { config.settings.publishEvery.timeInterval }

    /// Publishes at `now`: every finished period not yet published (since the newest published
    /// one, or since the first item Newsdesk ever stored; at most `keep` back), then the latest
    /// window; then prunes old archives.
    @discardableResult
    public func publish(now: Date) throws -> PublishReport {
        var report = PublishReport()
        removeLeftovers()
        let desk = StoryDesk(config: config, store: store)
        let published = PublishedText(config.settings)
        let feeds = try feedSummaries(published)
        let currentStart = periodStart(containing: now)
        for start in try unpublishedPeriods(before: currentStart, now: now) {
            let end = start.addingTimeInterval(period)
            let stories = try desk.ranking(from: start, to: end).map(published.story)
            let previous = try store.publishedPeriods(before: start).first
            let atomPath = archivePath(start, extension: "atom", folder: "archive")
            let digestPath = archivePath(start, extension: "md", folder: "digest")
            var document = atom(path: atomPath, updated: end, stories: stories, feeds: feeds)
            document.isArchive = true
            document.previousArchive = previous.map { archivePath($0, extension: "atom", folder: "archive") }
            // An archive that exists was written whole (atomically) before a crash: keep it.
            if try writeOnce(AtomWriter.render(document), to: atomPath) { report.written.append(atomPath) }
            let digest = DigestWriter.render(title: title(start, end), stories: stories, redThreshold: config.settings.redThreshold)
            if try writeOnce(digest, to: digestPath) { report.written.append(digestPath) }
            let pagePath = archivePath(start, extension: "html", folder: "archive")
            var page = webPage(path: pagePath, atomPath: atomPath, subtitle: title(start, end), stories: stories, feeds: feeds)
            page.previous = previous.map { archivePath($0, extension: "html", folder: "archive") }.flatMap(existing)
            page.next = HTMLWriter.latestPath
            if try AtomicFile.write(Array(HTMLWriter.render(page).utf8), to: path(pagePath)) { report.written.append(pagePath) }
            if let previousPage = page.previous, try link(previousPage, to: pagePath) { report.written.append(previousPage) }
            try store.markPublished(periodStart: start, end: end, at: now)
            report.periods.append(start)
        }
        let window = config.settings.window.timeInterval
        let latest = try desk.ranking(now: now).map(published.story)
        let newestArchive = try store.publishedPeriods(before: currentStart).first
        let quiet = currentStart.addingTimeInterval(-period)
        var current = atom(path: "ranked.atom", updated: latest.map(\.story.lastUpdated).max() ?? quiet, stories: latest, feeds: feeds)
        current.previousArchive = newestArchive.map { archivePath($0, extension: "atom", folder: "archive") }
        if try AtomicFile.write(Array(AtomWriter.render(current).utf8), to: path("ranked.atom")) { report.written.append("ranked.atom") }
        let digest = DigestWriter.render(
            title: title(now.addingTimeInterval(-window), now), stories: latest, redThreshold: config.settings.redThreshold)
        if try AtomicFile.write(Array(digest.utf8), to: path("digest/latest.md")) { report.written.append("digest/latest.md") }
        var index = webPage(
            path: HTMLWriter.latestPath, atomPath: "ranked.atom", subtitle: "As of \(stamp(current.updated))",
            stories: latest, feeds: feeds)
        index.earlier = try store.publishedPeriods(before: currentStart, limit: 24).compactMap { start in
            existing(archivePath(start, extension: "html", folder: "archive")).map { ($0, title(start, start.addingTimeInterval(period))) }
        }
        if try AtomicFile.write(Array(HTMLWriter.render(index).utf8), to: path(HTMLWriter.latestPath)) {
            report.written.append(HTMLWriter.latestPath)
        }
        report.pruned = prune(before: now.addingTimeInterval(-config.settings.keep.timeInterval))
        return report
    }

    /// The finished periods before `currentStart` still to publish, oldest first.
    private func unpublishedPeriods(before currentStart: Date, now: Date) throws -> [Date] {
        let from: Date
        if let newest = try store.publishedPeriods(before: currentStart).first {
            from = newest.addingTimeInterval(period)
        } else if let first = try store.firstItemSeen() {
            from = periodStart(containing: first)
        } else {
            return []
        }
        var start = max(from, periodStart(containing: now.addingTimeInterval(-config.settings.keep.timeInterval)))
        var periods: [Date] = []
        while start < currentStart {
            if try !store.isPublished(periodStart: start) { periods.append(start) }
            start = start.addingTimeInterval(period)
        }
        return periods
    }

    /// The start of the period containing `date`, aligned to the local clock of `timezone`.
    public func periodStart(containing date: Date) -> Date {
        let offset = TimeInterval(zone.secondsFromGMT(for: date))
        let local = date.timeIntervalSince1970 + offset
        return Date(timeIntervalSince1970: (local / period).rounded(.down) * period - offset)
    }

    /// `archive/2026/11/27/05.atom` (or `0515.atom` for periods under an hour), in local time.
    /// The hour a clock goes back through comes twice: its second occurrence is `01-2.atom`.
    public func archivePath(_ start: Date, extension ext: String, folder: String) -> String {
        let stem = localStem(start)
        let repeated = stem == localStem(start.addingTimeInterval(-3_600)) || stem == localStem(start.addingTimeInterval(-period))
        return "\(folder)/\(stem)\(repeated ? "-2" : "").\(ext)"
    }

    private func localStem(_ date: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        let name = period < 3_600 ? two(c.hour) + two(c.minute) : two(c.hour)
        return "\(String(format: "%04d", c.year ?? 0))/\(two(c.month))/\(two(c.day))/\(name)"
    }

    /// "Top news, 2026-11-27 05:00-06:00 UTC".
    func title(_ start: Date, _ end: Date) -> String {
        let a = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: start)
        let b = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: end)
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        let day = "\(String(format: "%04d", a.year ?? 0))-\(two(a.month))-\(two(a.day))"
        let endDay = a.day == b.day ? "" : "\(String(format: "%04d", b.year ?? 0))-\(two(b.month))-\(two(b.day)) "
        // Across a clock change the offsets say which 01:00 is which.
        func offset(_ date: Date) -> String {
            let seconds = zone.secondsFromGMT(for: date)
            return String(
                format: " (UTC%@%d%@)", seconds < 0 ? "-" : "+", abs(seconds) / 3_600,
                abs(seconds) % 3_600 == 0 ? "" : String(format: ":%02d", abs(seconds) % 3_600 / 60))
        }
        let changes = zone.secondsFromGMT(for: start) != zone.secondsFromGMT(for: end)
        return "Top news, \(day) \(two(a.hour)):\(two(a.minute))\(changes ? offset(start) : "")-\(endDay)\(two(b.hour)):\(two(b.minute))"
            + "\(changes ? offset(end) : "") \(config.settings.timezone)"
    }

    /// "Top news in the last hour by importance score", for the `window` configured.
    var heading: String {
        let minutes = Int(config.settings.window.timeInterval / 60)
        let span =
            minutes == 60 ? "hour" : minutes % 60 == 0 ? "\(minutes / 60) hours" : "\(minutes) minute\(minutes == 1 ? "" : "s")"
        return "Top news in the last \(span) by importance score"
    }

    private func webPage(
        path: String, atomPath: String, subtitle: String, stories: [RankedStory], feeds: [String: AtomDocument.FeedSummary]
    )
        -> WebPage
    {
        WebPage(
            heading: path == HTMLWriter.latestPath ? heading : subtitle, subtitle: subtitle,
            feedTitle: PlainText.visible(config.settings.title), path: path, atomPath: atomPath, stories: stories,
            redThreshold: config.settings.redThreshold)
    }

    /// `relative` when a file is there.
    private func existing(_ relative: String) -> String? {
        FileManager.default.fileExists(atPath: path(relative)) ? relative : nil
    }

    /// Points the "next" link of the period page at `page` (which led to the latest edition
    /// while it was the newest) to `next`; returns whether it changed the page.
    private func link(_ page: String, to next: String) throws -> Bool {
        guard let data = FileManager.default.contents(atPath: path(page)) else { return false }
        let html = String(decoding: data, as: UTF8.self)
        let old = HTMLWriter.nextLink(HTMLWriter.latestPath, from: page)
        guard html.contains(old) else { return false }
        let new = html.replacingOccurrences(of: old, with: HTMLWriter.nextLink(next, from: page))
        return try AtomicFile.write(Array(new.utf8), to: path(page))
    }

    /// "2026-11-27 05:42 UTC": `date` to the minute in `timezone`.
    func stamp(_ date: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d ", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0)
            + config.settings.timezone
    }

    private var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }

    private func atom(path: String, updated: Date, stories: [RankedStory], feeds: [String: AtomDocument.FeedSummary]) -> AtomDocument {
        let base = config.settings.feedURL.map { url in
            url.hasSuffix("/") ? url : String(url[...(url.lastIndex(of: "/") ?? url.startIndex)])
        }
        var document = AtomDocument(
            title: config.settings.title, id: config.settings.feedURL ?? "urn:newsdesk:\(ContentHash.hex(config.settings.output.utf8))",
            path: path, baseURL: base, updated: updated, stories: stories, redThreshold: config.settings.redThreshold)
        document.feeds = feeds
        if path == "ranked.atom" { document.selfURL = config.settings.feedURL }
        return document
    }

    /// What `atom:source` says of each feed, as `published` lets it out. A feed without a
    /// name is named by its URL without credentials or query.
    private func feedSummaries(_ published: PublishedText) throws -> [String: AtomDocument.FeedSummary] {
        var summaries: [String: AtomDocument.FeedSummary] = [:]
        let records = try store.feedsByURL()
        for feed in config.feeds {
            let record = records[feed.url]
            let summary = AtomDocument.FeedSummary(
                title: feed.name ?? record?.title ?? PublicFeedURL.redacted(feed.url), link: record?.siteLink)
            summaries[feed.url] = published.feed(summary, url: feed.url)
        }
        return summaries
    }

    private func path(_ relative: String) -> String { (output as NSString).appendingPathComponent(relative) }

    /// Writes `text` at `relative` unless a file is already there; returns whether it wrote.
    private func writeOnce(_ text: String, to relative: String) throws -> Bool {
        guard !FileManager.default.fileExists(atPath: path(relative)) else { return false }
        return try AtomicFile.write(Array(text.utf8), to: path(relative))
    }

    /// Deletes the temporary files of writes a crash interrupted (`.ranked.atom.Ab12Cd`): the
    /// file they were meant to replace is intact, and the write is redone.
    private func removeLeftovers() {
        guard let files = FileManager.default.enumerator(atPath: output) else { return }
        for case let file as String in files {
            let name = (file as NSString).lastPathComponent
            guard name.hasPrefix("."), let dot = name.lastIndex(of: ".") else { continue }
            let target = name[name.index(after: name.startIndex)..<dot]
            let suffix = name[name.index(after: dot)...]
            guard suffix.count == 6, suffix.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }),
                target.hasSuffix(".atom") || target.hasSuffix(".md") || target.hasSuffix(".html")
            else { continue }
            try? FileManager.default.removeItem(atPath: path(file))
        }
    }

    /// Deletes archive and digest files of periods that started before `cutoff`.
    private func prune(before cutoff: Date) -> Int {
        var removed = 0
        for folder in ["archive", "digest"] {
            let root = path(folder)
            guard let files = FileManager.default.enumerator(atPath: root) else { continue }
            for case let file as String in files {
                let parts = file.split(separator: "/")
                guard parts.count == 4, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else { continue }
                let stem = parts[3].split(separator: ".").first.map(String.init) ?? ""
                guard let hour = Int(stem.prefix(2)) else { continue }
                let minute = stem.count == 4 ? Int(stem.suffix(2)) ?? 0 : 0
                let start = calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute))
                guard let start, start.addingTimeInterval(period) <= cutoff else { continue }
                if (try? FileManager.default.removeItem(atPath: (root as NSString).appendingPathComponent(file))) != nil { removed += 1 }
            }
        }
        return removed
    }
}
