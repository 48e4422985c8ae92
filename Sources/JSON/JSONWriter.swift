import Buffers

/// Streams JSON into a `ByteBuffer` without intermediate strings or arrays, for the hot
/// path: a price update is written once per tick and shared by many clients.
///
/// Reuse one writer across messages with `reset()`: it keeps the buffer's allocation, so
/// after the first message of a given size nothing is allocated. Commas are inserted
/// automatically. The writer needs no stack for that: a value always leaves its
/// container non-empty, so a single flag says whether the next item needs a comma.
/// The caller is trusted to call in a valid order (a key before each object member);
/// debug builds check that containers are balanced.
public struct JSONWriter {
    /// The JSON written so far. Hand its bytes to the connection, then `reset()`.
    public var buffer: ByteBuffer
    @usableFromInline var needsComma = false
    @usableFromInline var depth = 0

    public init(into buffer: ByteBuffer = ByteBuffer()) {
        self.buffer = buffer
    }

    /// Starts a new message in the same allocation.
    public mutating func reset() {
        buffer.clear()
        needsComma = false
        depth = 0
    }

    @inlinable mutating func separate() {
        if needsComma { buffer.writeByte(UInt8(ascii: ",")) }
    }

    public mutating func beginObject() {
        separate()
        buffer.writeByte(UInt8(ascii: "{"))
        needsComma = false
        depth += 1
    }

    public mutating func endObject() {
        assert(depth > 0, "endObject without beginObject")
        buffer.writeByte(UInt8(ascii: "}"))
        needsComma = true
        depth -= 1
    }

    public mutating func beginArray() {
        separate()
        buffer.writeByte(UInt8(ascii: "["))
        needsComma = false
        depth += 1
    }

    public mutating func endArray() {
        assert(depth > 0, "endArray without beginArray")
        buffer.writeByte(UInt8(ascii: "]"))
        needsComma = true
        depth -= 1
    }

    /// A literal key, copied as is: it must be plain printable ASCII without `"` or `\`
    /// (checked in debug builds), which every key in our protocol is.
    /// Written with one reservation (`,"key":`), not one per byte; inlinable, so a
    /// caller in another module writes its literal keys without a call each.
    @inlinable
    public mutating func key(_ key: StaticString) {
        let comma = needsComma
        key.withUTF8Buffer { utf8 in
            assert(
                utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") },
                "StaticString keys must be plain ASCII")
            _ = buffer.writeWithUnsafeMutableBytes(minimumWritable: utf8.count + 4) { target in
                var index = 0
                if comma {
                    target[0] = UInt8(ascii: ",")
                    index = 1
                }
                target[index] = UInt8(ascii: "\"")
                UnsafeMutableRawBufferPointer(rebasing: target[(index + 1)...]).copyMemory(
                    from: UnsafeRawBufferPointer(utf8))
                index += 1 + utf8.count
                target[index] = UInt8(ascii: "\"")
                target[index + 1] = UInt8(ascii: ":")
                return index + 2
            }
        }
        needsComma = false
    }

    /// A key from runtime text, escaped like a string value. (Named apart from
    /// `key(_: StaticString)`: Swift would otherwise pick this one for every literal.)
    public mutating func key(escaping key: String) {
        separate()
        writeEscaped(key)
        buffer.writeByte(UInt8(ascii: ":"))
        needsComma = false
    }

    public mutating func bool(_ value: Bool) {
        separate()
        if value {
            writeLiteral("true")
        } else {
            writeLiteral("false")
        }
        needsComma = true
    }

    public mutating func null() {
        separate()
        writeNullLiteral()
        needsComma = true
    }

    mutating func writeNullLiteral() {
        writeLiteral("null")
    }

    mutating func writeLiteral(_ literal: StaticString) {
        literal.withUTF8Buffer { buffer.writeBytes(UnsafeRawBufferPointer($0)) }
    }

    /// A pre-serialized value (for example a quote written once per tick), copied verbatim,
    /// or pre-serialized members of the open object (`"a":1,"b":"x"`: what a catalog decides
    /// about a quote, encoded once). It must be one complete value or whole members; it is
    /// not checked.
    public mutating func raw(_ json: UnsafeRawBufferPointer) {
        separate()
        buffer.writeBytes(json)
        needsComma = true
    }
}
