import Buffers

extension JSONValue: CustomStringConvertible {
    /// Compact JSON (no whitespace), written by `JSONWriter`, so it parses back to an equal value.
    public var description: String {
        var writer = JSONWriter()
        writer.value(self)
        return writer.buffer.withUnsafeReadableBytes { String(decoding: $0, as: UTF8.self) }
    }
}
