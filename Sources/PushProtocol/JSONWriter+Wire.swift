import JSON
import Time

/// Wire-format values every server message shares.
extension JSONWriter {
    /// A quoted ISO 8601 timestamp written straight into the buffer: the 29 bytes are
    /// formatted in a stack buffer and copied once, with no String, because the hot path
    /// writes one per quote.
    public mutating func timestamp(microseconds: Int64) {
        withUnsafeTemporaryAllocation(byteCount: Timestamp.length + 2, alignment: 1) { scratch in
            scratch[0] = UInt8(ascii: "\"")
            Timestamp.write(microsecondsSinceEpoch: microseconds, into: UnsafeMutableRawBufferPointer(rebasing: scratch[1...]))
            scratch[Timestamp.length + 1] = UInt8(ascii: "\"")
            // No character of a timestamp needs escaping, so the bytes go in verbatim.
            raw(UnsafeRawBufferPointer(scratch))
        }
    }

    /// `"id":<value>` when the request carried an id; nothing otherwise (an explicit
    /// `null` id is echoed as `null`: the client sent it).
    mutating func echoedID(_ id: JSONValue?) {
        guard let id else { return }
        key("id")
        value(id)
    }
}
