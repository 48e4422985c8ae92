/// A pub/sub message: the channel it was published to, the pattern that matched it
/// (for `psubscribe`), and the payload as published (binary-safe).
public struct RedisMessage: Sendable, Equatable {
    public let channel: String
    public let pattern: String?
    public let payload: [UInt8]

    public init(channel: String, pattern: String? = nil, payload: [UInt8]) {
        self.channel = channel
        self.pattern = pattern
        self.payload = payload
    }
}
