/// A cursor over ASCII digits and separators, for fixed-layout date parsing.
struct DigitScanner {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var atEnd: Bool { index == bytes.count }

    mutating func skip(_ character: Unicode.Scalar) -> Bool {
        guard index < bytes.count, bytes[index] == UInt8(ascii: character) else { return false }
        index += 1
        return true
    }

    mutating func number(digits: Int) -> Int64? {
        number(minDigits: digits, maxDigits: digits)
    }

    mutating func number(minDigits: Int, maxDigits: Int) -> Int64? {
        guard let (value, count) = fraction(maxDigits: maxDigits), count >= minDigits else { return nil }
        return value
    }

    /// Up to `maxDigits` digits (at least one) as a value and how many were read.
    mutating func fraction(maxDigits: Int) -> (Int64, Int)? {
        var value: Int64 = 0
        var count = 0
        while count < maxDigits, index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
            value = value * 10 + Int64(bytes[index] - UInt8(ascii: "0"))
            index += 1
            count += 1
        }
        return count > 0 ? (value, count) : nil
    }
}
