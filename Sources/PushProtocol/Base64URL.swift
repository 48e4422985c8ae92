/// Base64url without padding (RFC 4648 section 5, RFC 7515 section 2), as used by JWT.
///
/// Strict on purpose, because it reads attacker-supplied tokens: only the URL-safe
/// alphabet, no `=` padding, no whitespace, and the unused low bits of the last
/// character must be zero. Accepting several spellings of one token would let an
/// attacker vary a signed token without invalidating it.
enum Base64URL {
    static func decode(_ text: Substring.UTF8View) -> [UInt8]? {
        let count = text.count
        // One leftover character carries only 6 bits: never a whole byte.
        guard count % 4 != 1 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for character in text {
            guard let value = sextet(character) else { return nil }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                accumulator &= (1 << UInt32(bits)) - 1
            }
        }
        // Leftover bits (2 or 4) must be zero in the canonical encoding.
        guard accumulator == 0 else { return nil }
        return output
    }

    /// The 6-bit value of a base64url character; nil for anything else, `=` included.
    static func sextet(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return character - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return character - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return character - UInt8(ascii: "0") + 52
        case UInt8(ascii: "-"): return 62
        case UInt8(ascii: "_"): return 63
        default: return nil
        }
    }
}
