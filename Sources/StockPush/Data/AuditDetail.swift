import JSON

/// The JSON object stored in an audit row's `detail`, written with `JSONWriter`.
///
/// Text that came from a client (a broadcast message, a query) is kept to its first
/// `maxTextBytes` bytes, cut at a character boundary and marked with `…`, beside
/// `<key>_truncated: true` and its full size in `<key>_bytes`: an operator still sees what
/// was sent and how big it was, and a row (and the queue of rows waiting for PostgreSQL)
/// stays small.
struct AuditDetail {
    static let maxTextBytes = 1024

    private var writer = JSONWriter()

    init() {
        writer.beginObject()
    }

    mutating func add(_ key: StaticString, _ value: Int) {
        writer.key(key)
        writer.int(value)
    }

    mutating func add(_ key: StaticString, text: String) {
        writer.key(key)
        let size = text.utf8.count
        guard size > Self.maxTextBytes else { return writer.string(text) }
        writer.string(Self.prefix(of: text, maxBytes: Self.maxTextBytes) + "…")
        let name = key.withUTF8Buffer { String(decoding: $0, as: UTF8.self) }
        writer.key(escaping: name + "_truncated")
        writer.bool(true)
        writer.key(escaping: name + "_bytes")
        writer.int(size)
    }

    /// An array of client-given texts: the first `maxItems` (each cut as `add(_:text:)`
    /// does) and, when there were more, `<key>_count` with how many.
    mutating func add(_ key: StaticString, list: [String], maxItems: Int = 20) {
        writer.key(key)
        writer.beginArray()
        for item in list.prefix(maxItems) {
            writer.string(item.utf8.count > Self.maxTextBytes ? Self.prefix(of: item, maxBytes: Self.maxTextBytes) + "…" : item)
        }
        writer.endArray()
        guard list.count > maxItems else { return }
        let name = key.withUTF8Buffer { String(decoding: $0, as: UTF8.self) }
        writer.key(escaping: name + "_count")
        writer.int(list.count)
    }

    /// The object's text, closed.
    consuming func json() -> String {
        writer.endObject()
        return String(decoding: writer.buffer.readableBytesArray, as: UTF8.self)
    }

    /// The longest run of whole characters (Unicode scalars) of `text` within `maxBytes`.
    static func prefix(of text: String, maxBytes: Int) -> String {
        var bytes = 0
        var end = text.unicodeScalars.startIndex
        for index in text.unicodeScalars.indices {
            let length = text.unicodeScalars[index].utf8.count
            guard bytes + length <= maxBytes else { break }
            bytes += length
            end = text.unicodeScalars.index(after: index)
        }
        return String(text.unicodeScalars[..<end])
    }
}
