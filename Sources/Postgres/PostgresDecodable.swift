/// A Swift type readable from PostgreSQL's text output format.
public protocol PostgresDecodable {
    /// The value for this text, nil when it is not a valid `Self`.
    static func decode(postgresText: String) -> Self?
    /// What SQL NULL decodes to; nil (the default) means NULL is an error for this type.
    static var postgresNull: Self? { get }
}

extension PostgresDecodable {
    public static var postgresNull: Self? { nil }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public static func decode(postgresText: String) -> Self? {
        Wrapped.decode(postgresText: postgresText).map { .some($0) }
    }

    public static var postgresNull: Self? { .some(.none) }
}

extension String: PostgresDecodable {
    public static func decode(postgresText: String) -> String? { postgresText }
}

extension Int: PostgresDecodable {
    public static func decode(postgresText: String) -> Int? { Int(postgresText) }
}

extension Int64: PostgresDecodable {
    public static func decode(postgresText: String) -> Int64? { Int64(postgresText) }
}

extension Int32: PostgresDecodable {
    public static func decode(postgresText: String) -> Int32? { Int32(postgresText) }
}

extension Double: PostgresDecodable {
    /// PostgreSQL writes `Infinity`/`-Infinity`/`NaN`; also accepts numeric's plain decimals.
    public static func decode(postgresText: String) -> Double? {
        switch postgresText {
        case "NaN": return .nan
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        default:
            guard postgresText.first.map({ $0.isNumber || $0 == "-" || $0 == "." }) == true else { return nil }
            return Double(postgresText)
        }
    }
}

extension Bool: PostgresDecodable {
    /// boolean's text output is `t`/`f`; the long forms come from casts such as `::text`.
    public static func decode(postgresText: String) -> Bool? {
        switch postgresText {
        case "t", "true": return true
        case "f", "false": return false
        default: return nil
        }
    }
}

extension Array: PostgresDecodable where Element == UInt8 {
    /// bytea's hex output (`\x0aff`), the default since PostgreSQL 9.0.
    public static func decode(postgresText: String) -> [UInt8]? {
        let digits = Array(postgresText.utf8)
        guard digits.count % 2 == 0, digits.starts(with: [UInt8(ascii: "\\"), UInt8(ascii: "x")]) else { return nil }
        func nibble(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
            default: return nil
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2 - 1)
        var index = 2
        while index < digits.count {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }
}
