import JSON

/// The JSON object stored in an audit row's `detail`, written with `JSONWriter`.
struct AuditDetail {
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
        writer.string(text)
    }

    /// The object's text, closed.
    consuming func json() -> String {
        writer.endObject()
        return String(decoding: writer.buffer.readableBytesArray, as: UTF8.self)
    }
}
