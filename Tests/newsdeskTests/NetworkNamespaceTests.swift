import Foundation
import Testing

/// Server-side request forgery on a private network of its own: a network namespace (util-linux
/// `unshare`, iproute2 `ip`) whose loopback also carries 10.11.12.13, where a web server listens,
/// and whose `/etc/hosts` names it `feeds.internal.example`. What a feed on the office network
/// would be, without touching the machine's own network.
@Suite struct NetworkNamespaceTests {
    static let script = """
        set -eu
        ip link set lo up
        ip addr add 10.11.12.13/32 dev lo
        mount --bind "$DIR/hosts" /etc/hosts
        cd "$DIR/www"
        # The interpreter itself, not a launcher script (pyenv's), so that $! is the server; it is
        # killed with SIGKILL, as the signals it inherits from the test runner may be blocked.
        python=$(python3 -c 'import sys; print(sys.executable)')
        "$python" -m http.server 8080 --bind 10.11.12.13 </dev/null >/dev/null 2>"$DIR/access.log" &
        server=$!
        trap 'kill -KILL "$server" 2>/dev/null || true' EXIT
        for _ in $(seq 100); do (exec 3<>/dev/tcp/10.11.12.13/8080) 2>/dev/null && break; sleep 0.1; done
        "$NEWSDESK" once --all --config "$DIR/refuse/feeds.conf" >"$DIR/refuse.out" 2>&1 || echo "exit $?" >>"$DIR/refuse.out"
        cp "$DIR/access.log" "$DIR/access-after-refuse.log"
        "$NEWSDESK" once --all --config "$DIR/allow/feeds.conf" >"$DIR/allow.out" 2>&1 || echo "exit $?" >>"$DIR/allow.out"
        "$NEWSDESK" status --json --config "$DIR/allow/feeds.conf" >"$DIR/status.json"
        """

    @Test func aPrivateAddressOrANameResolvingToOneIsRefusedUnlessAllowed() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let manager = FileManager.default
        for sub in ["www", "refuse", "allow"] { try manager.createDirectory(atPath: "\(folder)/\(sub)", withIntermediateDirectories: true) }
        try Data(TinyFeed.rss(["Office kitchen gets a new coffee machine"], host: "intranet.example").utf8)
            .write(to: URL(fileURLWithPath: folder + "/www/feed.rss"))
        try Data("127.0.0.1 localhost\n10.11.12.13 feeds.internal.example\n".utf8).write(to: URL(fileURLWithPath: folder + "/hosts"))
        let feeds = ["http://10.11.12.13:8080/feed.rss", "http://feeds.internal.example:8080/feed.rss?by=name"]
        let refuse = feeds.map { "[[feed]]\nurl = \"\($0)\"\n" }.joined(separator: "\n")
        let allow = feeds.map { "[[feed]]\nurl = \"\($0)\"\nallow_private_networks = true\n" }.joined(separator: "\n")
        for (sub, feedsText) in [("refuse", refuse), ("allow", allow)] {
            try Data("[newsdesk]\nstate = \"state.sqlite\"\noutput = \"public\"\n\n\(feedsText)".utf8)
                .write(to: URL(fileURLWithPath: "\(folder)/\(sub)/feeds.conf"))
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        process.arguments = ["--net", "--mount", "/bin/bash", "-c", Self.script]
        process.environment = ProcessInfo.processInfo.environment.merging(
            ["DIR": folder, "NEWSDESK": BinaryRunner.binary.path, "NEWSDESK_NOW": "2026-11-27T05:30:00Z"]) { _, new in new }
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "the namespace needs root, unshare and ip (iproute2): \(stderr)")

        let refused = try String(contentsOfFile: folder + "/refuse.out", encoding: .utf8)
        #expect(refused.contains("refused to connect to 10.11.12.13 (a private network address)"), "\(refused)")
        #expect(refused.components(separatedBy: "refused to connect to 10.11.12.13").count - 1 >= 2, "both feeds: \(refused)")
        let before = try String(contentsOfFile: folder + "/access-after-refuse.log", encoding: .utf8)
        #expect(!before.contains("GET "), "no request may reach the server: \(before)")

        let allowed = try String(contentsOfFile: folder + "/allow.out", encoding: .utf8)
        #expect(!allowed.contains("refused") && !allowed.contains("exit "), "\(allowed)")
        let after = try String(contentsOfFile: folder + "/access.log", encoding: .utf8)
        #expect(after.components(separatedBy: "GET /feed.rss").count - 1 == 2, "\(after)")
        let status = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/status.json")))
        let rows = try #require(status as? [[String: Any]])
        #expect(rows.map { $0["items"] as? Int } == [1, 1], "\(rows)")
    }
}
