/// String values: the project's one JSON string escaper (RFC 8259 §7), used by every
/// writer, from price updates to error bodies and audit details.
///
/// `\"` `\\` `\b` `\f` `\n` `\r` `\t`; other bytes below 0x20 and DEL as `\u00XX`; U+2028
/// and U+2029 as `\u2028`/`\u2029`, which JSON allows raw but JavaScript source does not,
/// so the output is also safe inside a script. Everything else, including non-ASCII, is
/// copied as UTF-8 in runs, so plain text costs one copy.
extension JSONWriter {
    public mutating func string(_ value: String) {
        separate()
        writeEscaped(value)
        needsComma = true
    }

    /// A string given as UTF-8 bytes (for example a symbol kept as bytes). The bytes are
    /// escaped but not validated: pass valid UTF-8 (invalid bytes are copied as they are).
    public mutating func string(utf8 bytes: UnsafeRawBufferPointer) {
        separate()
        writeEscaped(utf8: bytes)
        needsComma = true
    }

    mutating func writeEscaped(_ value: String) {
        var value = value
        value.withUTF8 { writeEscaped(utf8: UnsafeRawBufferPointer($0)) }
    }

    mutating func writeEscaped(utf8 bytes: UnsafeRawBufferPointer) {
        buffer.writeByte(UInt8(ascii: "\""))
        var runStart = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            let length = Self.escapedLength(of: byte, at: index, in: bytes)
            guard length > 0 else {
                index += 1
                continue
            }
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[runStart..<index]))
            writeEscape(for: byte, in: bytes, at: index)
            index += length
            runStart = index
        }
        buffer.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[runStart..<bytes.count]))
        buffer.writeByte(UInt8(ascii: "\""))
    }

    /// How many input bytes the escape at `index` replaces; 0 when the byte is copied.
    @inline(__always)
    static func escapedLength(of byte: UInt8, at index: Int, in bytes: UnsafeRawBufferPointer) -> Int {
        if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == 0x7F { return 1 }
        // U+2028 and U+2029 are E2 80 A8 and E2 80 A9.
        guard byte == 0xE2, index + 2 < bytes.count, bytes[index + 1] == 0x80,
            bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9
        else { return 0 }
        return 3
    }

    private mutating func writeEscape(for byte: UInt8, in bytes: UnsafeRawBufferPointer, at index: Int) {
        buffer.writeByte(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): buffer.writeByte(byte)
        case 0x08: buffer.writeByte(UInt8(ascii: "b"))
        case 0x0C: buffer.writeByte(UInt8(ascii: "f"))
        case 0x0A: buffer.writeByte(UInt8(ascii: "n"))
        case 0x0D: buffer.writeByte(UInt8(ascii: "r"))
        case 0x09: buffer.writeByte(UInt8(ascii: "t"))
        case 0xE2:
            // U+2028 or U+2029: the third byte says which.
            writeUnicodeEscape(0x2028 | UInt16(bytes[index + 2] & 1))
        default:
            writeUnicodeEscape(UInt16(byte))
        }
    }

    /// `u` and four lowercase hex digits (the backslash is already written).
    private mutating func writeUnicodeEscape(_ value: UInt16) {
        buffer.writeByte(UInt8(ascii: "u"))
        buffer.writeByte(hexDigit(UInt8(value >> 12)))
        buffer.writeByte(hexDigit(UInt8(value >> 8 & 0xF)))
        buffer.writeByte(hexDigit(UInt8(value >> 4 & 0xF)))
        buffer.writeByte(hexDigit(UInt8(value & 0xF)))
    }

    func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}
