/// A token bucket: `burst` messages at once, then `ratePerSecond` sustained.
///
/// Time is injected (monotonic nanoseconds) so tests can replay a flood exactly; the
/// bucket starts full, so a client that reconnects and re-subscribes in a burst is not
/// punished. The first call only sets the clock origin.
public struct RateLimiter: Sendable {
    public let ratePerSecond: Double
    public let burst: Double
    var tokens: Double
    /// The last refill, `never` before the first call. A sentinel, not an optional: an
    /// optional UInt64 takes 16 bytes, and every connection's flood guard holds four.
    var lastRefill = never
    /// No time yet (monotonic time never gets there).
    static let never = UInt64.max

    public init(ratePerSecond: Double, burst: Double) {
        precondition(ratePerSecond >= 0 && burst >= 1, "a rate limiter needs a non-negative rate and a burst of at least 1")
        self.ratePerSecond = ratePerSecond
        self.burst = burst
        self.tokens = burst
    }

    /// Takes one token if there is one. A clock that steps back is treated as no time passing.
    public mutating func tryConsume(now: UInt64) -> Bool {
        if lastRefill == Self.never {
            lastRefill = now
        } else if now > lastRefill {
            tokens = min(burst, tokens + Double(now - lastRefill) / 1e9 * ratePerSecond)
            lastRefill = now
        }
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}
