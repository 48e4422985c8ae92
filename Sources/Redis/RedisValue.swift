/// A reply from Redis, copied out of hiredis's `redisReply` so no C memory outlives
/// the call that received it.
public enum RedisValue: Sendable, Equatable {
    case null
    case status(String)
    case integer(Int)
    case bulk([UInt8])
    case array([RedisValue])
    /// An error reply inside a pipeline or transaction (single commands throw instead).
    case error(String)

    /// A bulk string decoded as UTF-8, or a status; nil otherwise or when not UTF-8.
    public var string: String? {
        switch self {
        case .bulk(let bytes): String(validating: bytes, as: UTF8.self)
        case .status(let text): text
        default: nil
        }
    }

    /// An integer reply, or a bulk string holding a decimal integer (what GET returns
    /// for a counter).
    public var int: Int? {
        switch self {
        case .integer(let value): value
        case .bulk: string.flatMap { Int($0) }
        default: nil
        }
    }

    public var array: [RedisValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// The raw bytes of a bulk string.
    public var bytes: [UInt8]? {
        if case .bulk(let bytes) = self { return bytes }
        return nil
    }

    /// A short description of the reply's shape, for `unexpectedReply` errors.
    public var kind: String {
        switch self {
        case .null: "null"
        case .status(let text): "status \(text)"
        case .integer(let value): "integer \(value)"
        case .bulk(let bytes): "bulk string (\(bytes.count) bytes)"
        case .array(let elements): "array of \(elements.count)"
        case .error(let message): "error \(message)"
        }
    }
}
