/// Per-connection flood control: the rate limit, the throttled `rate_limited` replies,
/// and the decision to close a connection that will not stop.
///
/// Dropping alone would let a broken client burn CPU forever, and replying to every
/// dropped message would double the flood, so: one reply per second at most, and a
/// connection that drops messages without a break of a second for
/// `floodCloseAfterSeconds` is closed (1008). A client that pauses for a second between
/// bursts starts a new episode and is never closed, however often it hits the limit.
public struct FloodGuard: Sendable {
    public enum Verdict: Equatable, Sendable {
        case accept
        /// Over the rate: drop the message; reply `rate_limited` only when the flag is set.
        case drop(replyWithRateLimited: Bool)
        /// Flooding for too long: close the connection. Once returned, always returned.
        case close
    }

    static let second: UInt64 = 1_000_000_000

    var limiter: RateLimiter
    let closeAfter: UInt64
    /// First drop of the current episode, the last drop, the last reply: `never` when
    /// there is none (sentinels like the limiter's clock: a client holds one guard).
    var episodeStart = never
    var lastDrop = never
    var lastReply = never
    static let never = RateLimiter.never
    var closed = false

    public init(ratePerSecond: Double = 20, burst: Double = 40, floodCloseAfterSeconds: Double = 10) {
        limiter = RateLimiter(ratePerSecond: ratePerSecond, burst: burst)
        closeAfter = UInt64(max(0, floodCloseAfterSeconds) * 1e9)
    }

    /// `now` is monotonic nanoseconds; call once per received message.
    public mutating func check(now: UInt64) -> Verdict {
        if closed { return .close }
        if limiter.tryConsume(now: now) { return .accept }

        if lastDrop != Self.never, now >= lastDrop, now - lastDrop <= Self.second, episodeStart != Self.never {
            if now >= episodeStart, now - episodeStart >= closeAfter {
                closed = true
                return .close
            }
        } else {
            episodeStart = now
        }
        lastDrop = now

        let reply: Bool
        if lastReply != Self.never, now >= lastReply, now - lastReply < Self.second {
            reply = false
        } else {
            reply = true
            lastReply = now
        }
        return .drop(replyWithRateLimited: reply)
    }
}
