import JSON
import Market

/// A refusal to send back to the client as an `error` message.
///
/// It carries the request's `id` (once the request parsed far enough to have one) and,
/// for per-target refusals in a batch, the `target`, so the client can match the error
/// to what it asked for. An error reply never closes the connection by itself.
public struct ProtocolError: Error, Equatable, Sendable {
    public let code: ErrorCode
    /// Human-readable and precise: says which field is wrong and what was expected.
    public let message: String
    public let id: JSONValue?
    public let target: String?

    public init(code: ErrorCode, message: String, id: JSONValue? = nil, target: String? = nil) {
        self.code = code
        self.message = message
        self.id = id
        self.target = target
    }

    /// The reply to a message dropped by flood control (echoing that message's id when known).
    public static func rateLimited(id: JSONValue?) -> ProtocolError {
        ProtocolError(code: .rateLimited, message: "too many messages; slow down", id: id)
    }

    public static func unknownTarget(_ key: SubscriptionKey, id: JSONValue?) -> ProtocolError {
        ProtocolError(
            code: .unknownTarget, message: "unknown \(key.type.rawValue) \"\(key.target)\"", id: id, target: key.target)
    }

    public static func tooManySubscriptions(target: String, limit: Int, id: JSONValue?) -> ProtocolError {
        ProtocolError(
            code: .tooManySubscriptions, message: "subscription limit of \(limit) reached", id: id, target: target)
    }
}
