/// Numbers written digit by digit into the buffer: no String is built on the usual paths.
extension JSONWriter {
    public mutating func int(_ value: Int) {
        separate()
        if value < 0 { buffer.writeByte(UInt8(ascii: "-")) }
        writeDigits(UInt64(value.magnitude), minimumCount: 1)
        needsComma = true
    }

    /// The shortest text that parses back to `value`, in the standard library's
    /// `description` format (`1805.0`, `0.1`, `1e-05`, `1e+16`); NaN and infinities,
    /// which JSON cannot express, are written as `null`. Values from 1e-4 up to 2^53
    /// take an allocation-free path; others use `description` itself.
    public mutating func double(_ value: Double) {
        separate()
        needsComma = true
        guard value.isFinite else {
            writeNullLiteral()
            return
        }
        let magnitude = value.magnitude
        guard magnitude >= 1e-4 && magnitude < 9_007_199_254_740_992,
            let decimal = ShortestDecimal.search(magnitude)
        else {
            buffer.writeString(value.description)
            return
        }
        if value.sign == .minus { buffer.writeByte(UInt8(ascii: "-")) }
        let divisor = integerPowersOfTen[decimal.scale]
        writeDigits(decimal.digits / divisor, minimumCount: 1)
        buffer.writeByte(UInt8(ascii: "."))
        writeDigits(decimal.digits % divisor, minimumCount: Swift.max(decimal.scale, 1))
    }

    /// Exactly `decimals` digits after the point (none and no point for 0), for prices
    /// at a market's tick size: `fixed(1850.5, decimals: 2)` is `1850.50`.
    ///
    /// Rounding rule: take the shortest decimal that reads back as `value` (what
    /// `description` shows) and round it half away from zero, so `fixed(1.005, 2)` is
    /// `1.01` and `fixed(-2.675, 2)` is `-2.68`, as a trader reading the feed expects.
    /// A result that rounds to zero is written without a sign (`0.00`, never `-0.00`).
    /// Magnitudes of 2^53 and above are integers and are written exactly; beyond
    /// UInt64 they fall back to `double(_:)`. NaN and infinities are written as `null`.
    /// `decimals` must be in 0...18.
    public mutating func fixed(_ value: Double, decimals: Int) {
        precondition((0...18).contains(decimals), "fixed: decimals must be in 0...18")
        guard value.isFinite else {
            null()
            return
        }
        let magnitude = value.magnitude
        var digits: UInt64
        var scale: Int
        if magnitude < 9_007_199_254_740_992 {
            let decimal = ShortestDecimal(magnitude)
            (digits, scale) = (decimal.digits, decimal.scale)
        } else if magnitude < 18_446_744_073_709_551_616 {
            (digits, scale) = (UInt64(magnitude), 0)
        } else {
            double(value)
            return
        }
        if scale > decimals {
            let dropped = scale - decimals
            if dropped >= integerPowersOfTen.count {
                digits = 0  // digits < 10^18, far below half of 10^dropped
            } else {
                let divisor = integerPowersOfTen[dropped]
                let remainder = digits % divisor
                digits = digits / divisor + (remainder >= divisor - remainder ? 1 : 0)
            }
            scale = decimals
        }
        separate()
        if value.sign == .minus && digits != 0 { buffer.writeByte(UInt8(ascii: "-")) }
        let divisor = integerPowersOfTen[scale]
        writeDigits(digits / divisor, minimumCount: 1)
        if decimals > 0 {
            buffer.writeByte(UInt8(ascii: "."))
            if scale > 0 { writeDigits(digits % divisor, minimumCount: scale) }
            for _ in scale..<decimals { buffer.writeByte(UInt8(ascii: "0")) }
        }
        needsComma = true
    }

    /// Writes `value` in decimal, left-padded with zeros to `minimumCount` digits.
    mutating func writeDigits(_ value: UInt64, minimumCount: Int) {
        var count = 1
        var rest = value / 10
        while rest > 0 {
            count += 1
            rest /= 10
        }
        let total = Swift.max(count, minimumCount)
        _ = buffer.writeWithUnsafeMutableBytes(minimumWritable: total) { out in
            var remaining = value
            var position = total
            while position > 0 {
                position -= 1
                out[position] = UInt8(ascii: "0") + UInt8(remaining % 10)
                remaining /= 10
            }
            return total
        }
    }
}
