/// The shortest decimal that reads back as a given Double, as an integer and a count of
/// fractional digits (`value == digits / 10^scale`), without building a String.
///
/// `fixed` rounds this decimal rather than the binary value, so 1.005 (stored as
/// 1.00499999999999989...) is treated as the 1.005 the exchange sent and rounds to 1.01.
struct ShortestDecimal: Equatable {
    var digits: UInt64
    var scale: Int

    /// For a finite, non-negative `magnitude` below 2^53.
    init(_ magnitude: Double) {
        if let found = ShortestDecimal.search(magnitude) {
            self = found
        } else {
            self = ShortestDecimal.fromDescription(magnitude)
        }
    }

    init(digits: UInt64, scale: Int) {
        self.digits = digits
        self.scale = scale
    }

    /// Tries 0, 1, 2... fractional digits and returns the first decimal that reads back
    /// as `magnitude`. The check `candidate / 10^scale == magnitude` is exact: both
    /// operands are exact Doubles (candidate < 2^53, 10^scale <= 10^17) and IEEE division
    /// rounds correctly, which is exactly what parsing that decimal would do.
    /// Returns nil when the digits would not fit in 53 bits; the caller falls back.
    static func search(_ magnitude: Double) -> ShortestDecimal? {
        for scale in 0...17 {
            let factor = powersOfTen[scale]
            let scaled = magnitude * factor
            guard scaled < 9_007_199_254_740_992 else { return nil }
            let nearest = scaled.rounded()
            if nearest / factor == magnitude { return ShortestDecimal(digits: UInt64(nearest), scale: scale) }
            // The product itself was rounded, so the nearest decimal may be one step away.
            if nearest >= 1 && (nearest - 1) / factor == magnitude {
                return ShortestDecimal(digits: UInt64(nearest - 1), scale: scale)
            }
            if (nearest + 1) / factor == magnitude {
                return ShortestDecimal(digits: UInt64(nearest + 1), scale: scale)
            }
        }
        return nil
    }

    /// Reads the digits of the standard library's shortest round-trip `description`
    /// (for example "9.999999999999999e+15" or "5e-324"). Allocates only when the
    /// description is longer than a small string; reached for rare magnitudes.
    static func fromDescription(_ magnitude: Double) -> ShortestDecimal {
        var text = magnitude.description
        return text.withUTF8 { utf8 in
            var digits: UInt64 = 0
            var scale = 0
            var exponent = 0
            var exponentNegative = false
            var inFraction = false
            var inExponent = false
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: "."): inFraction = true
                case UInt8(ascii: "e"), UInt8(ascii: "E"): inExponent = true
                case UInt8(ascii: "-"): exponentNegative = true
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    let digit = Int(byte - UInt8(ascii: "0"))
                    if inExponent {
                        exponent = exponent * 10 + digit
                    } else {
                        digits = digits * 10 + UInt64(digit)
                        if inFraction { scale += 1 }
                    }
                default: break
                }
            }
            scale += exponentNegative ? exponent : -exponent
            while scale < 0 {
                digits *= 10
                scale += 1
            }
            while scale > 0 && digits % 10 == 0 {
                digits /= 10
                scale -= 1
            }
            return ShortestDecimal(digits: digits, scale: scale)
        }
    }
}
