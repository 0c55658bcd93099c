import Foundation

/// The smallest RSS feeds the end-to-end tests need: one item per title, each with its own link.
enum TinyFeed {
    static func rss(_ titles: [String], host: String) -> String {
        var items = ""
        for (index, title) in titles.enumerated() {
            items += "<item><title>\(title)</title><link>https://\(host)/\(index)</link></item>"
        }
        return "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>\(host)</title>\(items)</channel></rss>"
    }

    /// A new folder with a `feeds.conf` of the one feed at `url` (loopback allowed), its state at
    /// `state` (relative to the folder, or absolute) and its output in `public`.
    static func folder(feed url: String, state: String = "state.sqlite") throws -> String {
        let folder = try BinaryRunner.temporaryFolder()
        let text = """
            [newsdesk]
            state = "\(state)"
            output = "public"
            allow_private_networks = true

            [[feed]]
            url = "\(url)"
            """
        try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/feeds.conf"))
        return folder
    }
}
