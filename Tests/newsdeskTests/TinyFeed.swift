/// The smallest RSS feeds the end-to-end tests need: one item per title, each with its own link.
enum TinyFeed {
    static func rss(_ titles: [String], host: String) -> String {
        var items = ""
        for (index, title) in titles.enumerated() {
            items += "<item><title>\(title)</title><link>https://\(host)/\(index)</link></item>"
        }
        return "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>\(host)</title>\(items)</channel></rss>"
    }
}
