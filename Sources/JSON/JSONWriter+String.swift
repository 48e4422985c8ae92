/// String values, escaped per RFC 8259 §7: `\"` `\\` `\b` `\f` `\n` `\r` `\t`, other
/// bytes below 0x20 as `\u00XX`. Everything else, including non-ASCII, is copied as
/// UTF-8 in runs, so plain text costs one copy.
extension JSONWriter {
    public mutating func string(_ value: String) {
        separate()
        writeEscaped(value)
        needsComma = true
    }

    /// A string given as UTF-8 bytes (for example a symbol kept as bytes). The bytes are
    /// escaped but not validated: pass valid UTF-8.
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
        for index in 0..<bytes.count {
            let byte = bytes[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[runStart..<index]))
            runStart = index + 1
            buffer.writeByte(UInt8(ascii: "\\"))
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): buffer.writeByte(byte)
            case 0x08: buffer.writeByte(UInt8(ascii: "b"))
            case 0x0C: buffer.writeByte(UInt8(ascii: "f"))
            case 0x0A: buffer.writeByte(UInt8(ascii: "n"))
            case 0x0D: buffer.writeByte(UInt8(ascii: "r"))
            case 0x09: buffer.writeByte(UInt8(ascii: "t"))
            default:
                buffer.writeByte(UInt8(ascii: "u"))
                buffer.writeByte(UInt8(ascii: "0"))
                buffer.writeByte(UInt8(ascii: "0"))
                buffer.writeByte(hexDigit(byte >> 4))
                buffer.writeByte(hexDigit(byte & 0xF))
            }
        }
        buffer.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[runStart..<bytes.count]))
        buffer.writeByte(UInt8(ascii: "\""))
    }

    func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}
