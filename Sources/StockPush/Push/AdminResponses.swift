import HTTP1
import JSON

/// The admin API's small JSON answers, written by `JSONWriter` (never by interpolation).
enum AdminResponses {
    /// `{"<key>":<value>,...}` with 200, e.g. `{"sent":3}`.
    static func counts(_ fields: KeyValuePairs<StaticString, Int>) -> HTTPResponse {
        var writer = JSONWriter()
        writer.beginObject()
        for (key, value) in fields {
            writer.key(key)
            writer.int(value)
        }
        writer.endObject()
        return .json(.ok, writer)
    }

    /// `{"count":N,"clients":[...]}` from the clients' objects (written by `JSONWriter` on
    /// their loops).
    static func clients(_ clients: [String]) -> HTTPResponse {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("count")
        writer.int(clients.count)
        writer.key("clients")
        writer.beginArray()
        for client in clients {
            var client = client
            client.withUTF8 { writer.raw(UnsafeRawBufferPointer($0)) }
        }
        writer.endArray()
        writer.endObject()
        return .json(.ok, writer)
    }

    /// `{"disconnected":true}`.
    static func disconnected() -> HTTPResponse {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("disconnected")
        writer.bool(true)
        writer.endObject()
        return .json(.ok, writer)
    }
}
