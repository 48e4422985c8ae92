/// JSON string literal encoding (RFC 8259 §7), so error bodies built from
/// client-controlled text can never break out of their string.
public enum JSONString {
    /// Returns the quoted JSON string literal for `s`. Quote and backslash are escaped,
    /// `\n` `\r` `\t` use their short forms, other control characters (U+0000–U+001F, U+007F)
    /// become `\u00XX`; U+2028/U+2029 are escaped too so the text is also safe inside JavaScript.
    /// Everything else, including non-ASCII, is emitted as UTF-8.
    public static func escape(_ s: String) -> String {
        var output: [UInt8] = [UInt8(ascii: "\"")]
        output.reserveCapacity(s.utf8.count + 2)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": output += Array(#"\""#.utf8)
            case "\\": output += Array(#"\\"#.utf8)
            case "\n": output += Array(#"\n"#.utf8)
            case "\r": output += Array(#"\r"#.utf8)
            case "\t": output += Array(#"\t"#.utf8)
            case "\u{2028}": output += Array(#"\u2028"#.utf8)
            case "\u{2029}": output += Array(#"\u2029"#.utf8)
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    output += Array(#"\u00"#.utf8)
                    output.append(hexDigit(scalar.value >> 4))
                    output.append(hexDigit(scalar.value & 0xF))
                } else {
                    output += Array(String(scalar).utf8)
                }
            }
        }
        output.append(UInt8(ascii: "\""))
        return String(decoding: output, as: UTF8.self)
    }

    private static func hexDigit(_ value: UInt32) -> UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        return digits[Int(value)]
    }
}
