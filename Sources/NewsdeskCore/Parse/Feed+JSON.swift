import Foundation

extension Feed {
    /// The `newsdesk parse --json` shape: absent values as null or empty lists, dates in UTC.
    public func jsonObject() -> [String: Any] {
        [
            "format": format.rawValue,
            "title": title ?? NSNull(),
            "link": link ?? NSNull(),
            "self": selfLink ?? NSNull(),
            "subtitle": subtitle ?? NSNull(),
            "language": language ?? NSNull(),
            "updated": updated.map(FeedDate.rfc3339) ?? NSNull(),
            "encoding": encoding ?? NSNull(),
            "warnings": warnings,
            "items": items.map { $0.jsonObject() },
        ]
    }

    /// `jsonObject()` serialized, keys sorted.
    public func jsonData(pretty: Bool = true) throws -> Data {
        var options: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes]
        if pretty { options.insert(.prettyPrinted) }
        return try JSONSerialization.data(withJSONObject: jsonObject(), options: options)
    }
}

extension FeedItem {
    func jsonObject() -> [String: Any] {
        func stamp(_ date: Date?) -> Any { date.map(FeedDate.rfc3339) ?? NSNull() }
        return [
            "id": guid ?? identity,
            "identity": identity,
            "title": title ?? NSNull(),
            "link": link ?? NSNull(),
            "published": stamp(published),
            "updated": stamp(updated),
            "authors": authors,
            "categories": categories,
            "summary": summary ?? NSNull(),
            "content": content ?? NSNull(),
            "excerpt": excerpt ?? NSNull(),
            "thumbnail": thumbnail ?? NSNull(),
            "enclosures": enclosures.map { enclosure -> [String: Any] in
                ["url": enclosure.url, "type": enclosure.type ?? NSNull(), "length": enclosure.length ?? NSNull()]
            },
        ]
    }
}
