/// Number parsing. The grammar is checked byte by byte; the value comes from an exact
/// fast path when possible and from the standard library's correctly rounded
/// `Double(String)` otherwise, so every accepted number is the nearest `Double`.
extension Parser {
    mutating func parseNumber() throws(JSONParseError) -> Double {
        let start = index
        var negative = false
        if bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        // Significant digits go into `mantissa` while they fit the exact range of a Double.
        var mantissa: UInt64 = 0
        var exact = true
        var exponent = 0

        guard index < bytes.count, isDigit(bytes[index]) else { throw fail("invalid number", at: start) }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count && isDigit(bytes[index]) { throw fail("leading zero", at: start) }
        } else {
            while index < bytes.count && isDigit(bytes[index]) {
                accumulate(bytes[index], into: &mantissa, exact: &exact, exponent: &exponent, fraction: false)
                index += 1
            }
        }
        if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw fail("invalid number", at: start) }
            while index < bytes.count && isDigit(bytes[index]) {
                accumulate(bytes[index], into: &mantissa, exact: &exact, exponent: &exponent, fraction: true)
                index += 1
            }
        }
        if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            index += 1
            var exponentNegative = false
            if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) {
                exponentNegative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            guard index < bytes.count, isDigit(bytes[index]) else { throw fail("invalid number", at: start) }
            var explicit = 0
            while index < bytes.count && isDigit(bytes[index]) {
                // Saturate: anything this large is out of range or zero anyway.
                if explicit < 100_000 { explicit = explicit * 10 + Int(bytes[index] - UInt8(ascii: "0")) }
                index += 1
            }
            exponent += exponentNegative ? -explicit : explicit
        }

        let value: Double
        if exact && mantissa < 1 << 53 && (-22...22).contains(exponent) {
            // Both operands are exact Doubles, and one IEEE multiply or divide rounds correctly.
            let scale = powersOfTen[abs(exponent)]
            value = exponent < 0 ? Double(mantissa) / scale : Double(mantissa) * scale
        } else {
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            guard let parsed = Double(text) else { throw fail("invalid number", at: start) }
            guard parsed.isFinite else { throw fail("number out of range", at: start) }
            return parsed
        }
        return negative ? -value : value
    }

    @inline(__always) func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }

    /// Adds one digit to the mantissa, tracking the decimal exponent. Leading zeros do not
    /// count; once 19 significant digits are in, the fast path is off.
    @inline(__always) func accumulate(
        _ byte: UInt8, into mantissa: inout UInt64, exact: inout Bool, exponent: inout Int, fraction: Bool
    ) {
        let digit = UInt64(byte - UInt8(ascii: "0"))
        if mantissa < 1_000_000_000_000_000_000 / 10 {
            mantissa = mantissa * 10 + digit
            if fraction { exponent -= 1 }
        } else {
            exact = false
            if !fraction { exponent += 1 }
        }
    }
}
