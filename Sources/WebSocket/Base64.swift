/// Standard Base64 (RFC 4648 section 4), for the handshake key and accept value.
///
/// Decoding is strict because it guards `Sec-WebSocket-Key`: only the standard
/// alphabet, mandatory padding, no whitespace, and zero bits in the unused tail.
public enum Base64 {
    static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    static let pad = UInt8(ascii: "=")

    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        let input = Array(bytes)
        var output: [UInt8] = []
        output.reserveCapacity((input.count + 2) / 3 * 4)
        var index = 0
        while index + 3 <= input.count {
            let group = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
            appendSextets(group, count: 4, to: &output)
            index += 3
        }
        switch input.count - index {
        case 1:
            appendSextets(UInt32(input[index]) << 16, count: 2, to: &output)
            output.append(pad)
            output.append(pad)
        case 2:
            appendSextets(UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8, count: 3, to: &output)
            output.append(pad)
        default:
            break
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The decoded bytes, or `nil` for anything that is not canonical padded Base64.
    public static func decode(_ string: String) -> [UInt8]? {
        let input = Array(string.utf8)
        guard input.count % 4 == 0 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(input.count / 4 * 3)
        var index = 0
        while index < input.count {
            let isLast = index + 4 == input.count
            let padding = isLast ? (input[index + 3] == pad ? (input[index + 2] == pad ? 2 : 1) : 0) : 0
            var group: UInt32 = 0
            for offset in 0..<(4 - padding) {
                guard let value = sextet(input[index + offset]) else { return nil }
                group = group << 6 | UInt32(value)
            }
            group <<= UInt32(6 * padding)
            switch padding {
            case 0:
                output.append(UInt8(truncatingIfNeeded: group >> 16))
                output.append(UInt8(truncatingIfNeeded: group >> 8))
                output.append(UInt8(truncatingIfNeeded: group))
            case 1:
                guard group & 0xFF == 0 else { return nil }
                output.append(UInt8(truncatingIfNeeded: group >> 16))
                output.append(UInt8(truncatingIfNeeded: group >> 8))
            default:
                guard group & 0xFFFF == 0 else { return nil }
                output.append(UInt8(truncatingIfNeeded: group >> 16))
            }
            index += 4
        }
        return output
    }

    /// Appends the top `count` sextets of a 24-bit group.
    static func appendSextets(_ group: UInt32, count: Int, to output: inout [UInt8]) {
        for position in 0..<count {
            let shift = UInt32(18 - 6 * position)
            output.append(alphabet[Int((group >> shift) & 0x3F)])
        }
    }

    /// The 6-bit value of an alphabet character; `nil` for anything else, including `=`.
    static func sextet(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return character - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return character - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return character - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): return 62
        case UInt8(ascii: "/"): return 63
        default: return nil
        }
    }
}
