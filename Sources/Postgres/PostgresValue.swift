/// A parameter value; text format on the wire, except `bytes`, which goes as a binary `bytea`
/// parameter so arbitrary bytes (including NUL) survive without escaping.
public enum PostgresValue: Sendable, Equatable {
    case null
    case text(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)
    case bytes([UInt8])
}

extension PostgresValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByNilLiteral,
    ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral
{
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(nilLiteral: ()) { self = .null }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension PostgresValue {
    /// Convenience for the common `Int` (the enum stores `Int64` so the wire width is explicit).
    public static func int(_ value: Int) -> PostgresValue { .int(Int64(value)) }

    /// `nil` becomes SQL NULL, so optional model fields bind without a branch at the call site.
    public static func text(_ value: String?) -> PostgresValue { value.map { .text($0) } ?? .null }

    /// A timestamptz parameter, in UTC with microsecond precision.
    public static func timestamp(_ value: PostgresTimestamp) -> PostgresValue { .text(value.description) }
}
