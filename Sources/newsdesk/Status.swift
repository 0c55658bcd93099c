import ArgumentParser
import Foundation
import NewsdeskConfig
import NewsdeskParse
import NewsdeskStore

/// `newsdesk status`: one row per configured feed, then one per feed stored but removed from the config.
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show each feed's polling state.")

    @OptionGroup var options: ConfigOptions

    @Flag(help: "Print a JSON list instead of a table.")
    var json = false

    func run() throws {
        let config = try options.load()
        let store = try options.openStore(config)
        let now = Date()
        let rows: [FeedRecord]
        let stored: [String: FeedRecord]
        let counts: [Int64: (total: Int, recent: Int)]
        let removedBoilerplate: [Int64: BoilerplateRemoved]
        let leases: [Int64: (owner: String, until: Date)]
        do {
            rows = try store.syncFeeds(config.feeds)
            stored = try store.feedsByURL()
            counts = try store.itemCounts(since: now.addingTimeInterval(-86_400))
            removedBoilerplate = try store.boilerplateRemoved()
            leases = try store.feedLeases(now: now)
        } catch {
            Console.error(error.description)
            throw ExitCode(3)
        }
        // Feeds stored but no longer in the config come last, as removed.
        let configured = Set(config.feeds.map(\.url))
        let removed = stored.values.filter { !configured.contains($0.url) }.sorted { $0.url < $1.url }
        let pairs = zip(config.feeds, rows).map { ($0, $1, false) } + removed.map { (FeedConfig(url: $0.url), $0, true) }
        let feeds = pairs.map { feed, record, removed in
            FeedStatus(
                config: feed, record: record, items: counts[record.id]?.total ?? 0, recent: counts[record.id]?.recent ?? 0,
                removed: removed, documentCap: config.settings.maxItemsPerDocument,
                boilerplate: removedBoilerplate[record.id] ?? BoilerplateRemoved(), lease: leases[record.id])
        }
        if json {
            try JSONOutput.print(feeds.map(FeedStatusJSON.init))
        } else {
            print(FeedStatus.table(feeds, now: now))
            do {
                // Who does what on a shared state: the publisher, and each daemon's leases.
                if let publisher = try store.publisher() {
                    print("publisher: \(publisher.owner), since \(FeedDate.rfc3339(publisher.since))")
                }
                for lease in try store.leases(now: now) {
                    print(
                        "fetching: \(lease.owner) holds \(lease.feeds) feed\(lease.feeds == 1 ? "" : "s") until \(FeedDate.rfc3339(lease.until))"
                    )
                }
            } catch {
                Console.error(error.description)
                throw ExitCode(3)
            }
            if let settings = config.embeddings {
                let since = now.addingTimeInterval(-config.settings.clusterWindow.timeInterval)
                do {
                    print(Self.embeddingLine(settings, try store.embeddingStatus(since: since)))
                } catch {
                    Console.error(error.description)
                    throw ExitCode(3)
                }
            }
        }
    }
}

extension Status {
    /// "embeddings: MODEL available; 0 items waiting", or unavailable since when and why.
    static func embeddingLine(_ settings: EmbeddingSettings, _ status: EmbeddingStatus?) -> String {
        guard let status, status.model == settings.model else {
            return "embeddings: \(settings.model) at \(settings.url): not asked yet"
        }
        let waiting = "\(status.pending) item\(status.pending == 1 ? "" : "s") of the window waiting for a vector"
        if status.available { return "embeddings: \(status.model) available; \(waiting)" }
        return "embeddings: unavailable since \(FeedDate.rfc3339(status.since)) (\(status.error ?? "no reason given")); "
            + "\(waiting), folded lexically meanwhile"
    }
}

/// One feed's row of `newsdesk status`.
struct FeedStatus {
    var config: FeedConfig
    var record: FeedRecord
    var items: Int
    var recent: Int
    /// Stored, but no longer in the config: never polled, out of the rankings, its items kept
    /// until retention (so re-adding it repeats nothing).
    var removed = false
    /// `max_items_per_document`, for the note on a document that had more.
    var documentCap = Settings().maxItemsPerDocument
    /// What the boilerplate filter took out of this feed's items, all polls together.
    var boilerplate = BoilerplateRemoved()
    /// On a shared state, the daemon fetching it now, and until when its lease runs.
    var lease: (owner: String, until: Date)?

    static let removedNote = "no longer in the config; items kept until retention"

    var name: String { config.name ?? record.title ?? config.url }
    /// Moved by permanent redirects away from where the config points.
    var moved: Bool { !removed && record.fetchURL != config.fetchURL }
    /// `removed`, or the stored state.
    var state: String { removed ? "removed" : record.state.rawValue }
    var polled: Bool { !removed && record.state != .gone }

    /// What the NOTE column says: a move, the error, a document cut to the cap, a removal.
    var notes: [String] {
        var notes: [String] = []
        if removed { notes.append(Self.removedNote) }
        if let lease { notes.append("being fetched by \(lease.owner)") }
        if moved { notes.append("moved to \(record.fetchURL)") }
        if let error = record.error, record.state != .ok, record.state != .notModified { notes.append(error) }
        if record.droppedItems > 0 {
            notes.append("last document: \(record.droppedItems) items beyond max_items_per_document (\(documentCap)) dropped")
        }
        if boilerplate.items > 0 {
            let size = ByteCountFormatter.string(fromByteCount: Int64(boilerplate.bytes), countStyle: .decimal)
            notes.append(
                "boilerplate: \(boilerplate.blocks) block\(boilerplate.blocks == 1 ? "" : "s") / \(size) removed from "
                    + "\(boilerplate.items) item\(boilerplate.items == 1 ? "" : "s")")
        }
        return notes
    }

    static func table(_ feeds: [FeedStatus], now: Date) -> String {
        var rows = [["FEED", "STATE", "HTTP", "LAST SUCCESS", "NEXT DUE", "ERRORS", "ITEMS", "NEW 24H", "NOTE"]]
        for feed in feeds {
            let record = feed.record
            let note = feed.notes.joined(separator: "; ")
            rows.append([
                String(feed.name.prefix(40)), feed.state, record.httpStatus.map(String.init) ?? "-",
                record.lastSuccess.map { ago($0, now: now) } ?? "never",
                feed.polled ? until(record.nextDue, now: now) : "never",
                "\(record.errorCount)", "\(feed.items)", "\(feed.recent)", note,
            ])
        }
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            zip(row, widths).map { cell, width in cell.padding(toLength: width, withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }

    private static func ago(_ date: Date, now: Date) -> String { "\(span(now.timeIntervalSince(date))) ago" }

    private static func until(_ date: Date, now: Date) -> String {
        let wait = date.timeIntervalSince(now)
        return wait <= 0 ? "now" : "in \(span(wait))"
    }

    private static func span(_ seconds: TimeInterval) -> String {
        let s = Int(max(seconds, 0))
        if s < 120 { return "\(s)s" }
        if s < 7_200 { return "\(s / 60)m" }
        if s < 172_800 { return "\(s / 3_600)h\(s % 3_600 / 60)m" }
        return "\(s / 86_400)d"
    }
}
