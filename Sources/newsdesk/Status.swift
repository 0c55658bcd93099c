import ArgumentParser
import Foundation
import NewsdeskCore

/// `newsdesk status`: one row per configured feed.
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
        let counts: [Int64: (total: Int, recent: Int)]
        do {
            rows = try store.syncFeeds(config.feeds)
            counts = try store.itemCounts(since: now.addingTimeInterval(-86_400))
        } catch {
            Console.error(error.description)
            throw ExitCode(3)
        }
        let feeds = zip(config.feeds, rows).map { feed, record in
            FeedStatus(config: feed, record: record, items: counts[record.id]?.total ?? 0, recent: counts[record.id]?.recent ?? 0)
        }
        if json {
            let data = try JSONSerialization.data(
                withJSONObject: feeds.map(\.json), options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(FeedStatus.table(feeds, now: now))
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

    var name: String { config.name ?? record.title ?? config.url }
    /// Moved by permanent redirects away from where the config points.
    var moved: Bool { record.fetchURL != config.fetchURL }

    var json: [String: Any] {
        func value(_ optional: Any?) -> Any { optional ?? NSNull() }
        return [
            "url": config.url, "fetch_url": record.fetchURL, "name": name, "state": record.state.rawValue,
            "http_status": value(record.httpStatus), "error": value(record.error), "error_count": record.errorCount,
            "last_success": value(record.lastSuccess.map(FeedDate.rfc3339)),
            "next_due": record.state == .gone ? NSNull() : FeedDate.rfc3339(record.nextDue),
            "items": items, "new_24h": recent, "moved": moved, "title": value(record.title),
        ]
    }

    static func table(_ feeds: [FeedStatus], now: Date) -> String {
        var rows = [["FEED", "STATE", "HTTP", "LAST SUCCESS", "NEXT DUE", "ERRORS", "ITEMS", "NEW 24H", "NOTE"]]
        for feed in feeds {
            let record = feed.record
            var note = feed.moved ? "moved to \(record.fetchURL)" : ""
            if let error = record.error, record.state != .ok, record.state != .notModified {
                note += (note.isEmpty ? "" : "; ") + error
            }
            rows.append([
                String(feed.name.prefix(40)), record.state.rawValue, record.httpStatus.map(String.init) ?? "-",
                record.lastSuccess.map { ago($0, now: now) } ?? "never",
                record.state == .gone ? "never" : until(record.nextDue, now: now),
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
