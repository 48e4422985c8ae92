/// Why and where parsing stopped, so a server can answer a bad client message precisely.
public struct JSONParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Byte offset of the first byte that cannot be part of a valid document; equal to
    /// the input length when the input ends too early.
    public let offset: Int
    /// A short lowercase phrase such as "unterminated string" or "nesting too deep".
    public let reason: String

    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "\(reason) at byte \(offset)" }
}
