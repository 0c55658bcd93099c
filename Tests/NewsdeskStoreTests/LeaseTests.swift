import Foundation
import Synchronization
import Testing
import TestSupport

@testable import NewsdeskConfig
@testable import NewsdeskStore

/// Several daemons on one state: leases hand each feed to one daemon at a time, a host to one
/// daemon at a time, and expire; one daemon publishes.
@Suite struct LeaseTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let urls = ["https://a.example/1", "https://a.example/2", "https://b.example/1"]

    @Test(arguments: StoreBackend.allCases) func aFeedAndItsHostGoToOneDaemonUntilTheLeaseEnds(_ backend: StoreBackend) throws {
        let store = try backend.open()
        let feeds = try store.syncFeeds(Self.urls.map { FeedConfig(url: $0) })
        let ids = feeds.map(\.id)
        let until = Self.now.addingTimeInterval(60)
        let first = try store.lease(ids, owner: "d1", now: Self.now, until: until, dueBy: Self.now, limit: 1)
        #expect(first.map(\.url) == ["https://a.example/1"])
        // a.example is d1's while it fetches there: d2 gets b.example's feed only.
        let second = try store.lease(ids, owner: "d2", now: Self.now, until: until, dueBy: Self.now, limit: 10)
        #expect(second.map(\.url) == ["https://b.example/1"])
        #expect(
            try store.leases(now: Self.now) == [Lease(owner: "d1", feeds: 1, until: until), Lease(owner: "d2", feeds: 1, until: until)])
        #expect(try store.lease(ids, owner: "d3", now: Self.now, until: until, dueBy: Self.now, limit: 10).isEmpty)
        // d1 stores its fetch: its lease ends, and the feed is no longer due.
        var done = first[0]
        done.nextDue = Self.now.addingTimeInterval(1_800)
        try store.record(done, now: Self.now)
        #expect(
            try store.lease(ids, owner: "d3", now: Self.now, until: until, dueBy: Self.now, limit: 10).map(\.url) == ["https://a.example/2"]
        )
        // d2 died mid-fetch: once its lease is over, its feed is anybody's.
        let later = until.addingTimeInterval(1)
        let taken = try store.lease(ids, owner: "d1", now: later, until: later.addingTimeInterval(60), dueBy: later, limit: 10)
        #expect(taken.map(\.url) == ["https://a.example/2", "https://b.example/1"])
        try store.releaseLeases(owner: "d1")
        #expect(try store.leases(now: later).isEmpty)
    }

    @Test func daemonsLeasingAtOnceNeverShareAFeed() throws {
        let url = try PostgresServer.shared.get().database()
        let setup = try StateStore(path: url)
        let configs = (0..<300).map { FeedConfig(url: "https://h\($0 % 30).example/\($0)") }
        let ids = try setup.syncFeeds(configs).map(\.id)
        let fetched = Mutex<[String: [Int64]]>([:])
        // Three daemons, each on its own thread and connections, started together.
        let stores = try (0..<3).map { _ in try StateStore(path: url) }
        let group = DispatchGroup()
        for (daemon, store) in stores.enumerated() {
            group.enter()
            // A thread each, not a dispatch queue: on two cores GCD may run the third after the others.
            Thread {
                defer { group.leave() }
                let name = "d\(daemon)"
                while true {
                    let batch: [FeedRecord]
                    do {
                        batch = try store.lease(
                            ids, owner: name, now: Self.now, until: Self.now.addingTimeInterval(60), dueBy: Self.now, limit: 7)
                    } catch {
                        fetched.withLock { $0["error \(error)", default: []] += [] }
                        return
                    }
                    if batch.isEmpty { return }
                    for var feed in batch {
                        feed.nextDue = Self.now.addingTimeInterval(1_800)
                        _ = try? store.record(feed, now: Self.now)
                    }
                    fetched.withLock { $0[name, default: []] += batch.map(\.id) }
                    usleep(1_000)  // a fetch takes a while
                }
            }.start()
        }
        group.wait()
        let all = fetched.withLock { $0 }
        let every = all.values.flatMap { $0 }
        #expect(every.count == ids.count, "fetched twice or not at all: \(every.count) of \(ids.count)")
        #expect(Set(every) == Set(ids))
        #expect(all.count == 3, "every daemon got work: \(all.mapValues(\.count))")
    }

    @Test func oneDaemonPublishesAndTheNextTakesOverWhenItGoes() throws {
        let url = try PostgresServer.shared.get().database()
        var first: StateStore? = try StateStore(path: url)
        let second = try StateStore(path: url)
        #expect(try first?.isPublisher(name: "d1", now: Self.now) == true)
        #expect(try first?.isPublisher(name: "d1", now: Self.now) == true)
        #expect(try !second.isPublisher(name: "d2", now: Self.now))
        #expect(try second.publisher()?.owner == "d1")
        first = nil  // its connections close: the lock goes with them
        #expect(try second.isPublisher(name: "d2", now: Self.now.addingTimeInterval(5)))
        #expect(try second.publisher()?.owner == "d2")
        #expect(try second.publisher()?.since == Self.now.addingTimeInterval(5))
    }

    @Test func onSQLiteTheOwnerAlwaysPublishes() throws {
        let store = try StoreBackend.sqlite.open()
        #expect(try store.isPublisher(name: "d1", now: Self.now))
        #expect(try store.publisher() == nil)
    }
}
