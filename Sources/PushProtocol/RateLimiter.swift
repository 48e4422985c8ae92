/// A token bucket: `burst` messages at once, then `ratePerSecond` sustained.
///
/// Time is injected (monotonic nanoseconds) so tests can replay a flood exactly; the
/// bucket starts full, so a client that reconnects and re-subscribes in a burst is not
/// punished. The first call only sets the clock origin.
public struct RateLimiter: Sendable {
    public let ratePerSecond: Double
    public let burst: Double
    var tokens: Double
    var lastRefill: UInt64?

    public init(ratePerSecond: Double, burst: Double) {
        precondition(ratePerSecond >= 0 && burst >= 1, "a rate limiter needs a non-negative rate and a burst of at least 1")
        self.ratePerSecond = ratePerSecond
        self.burst = burst
        self.tokens = burst
    }

    /// Takes one token if there is one. A clock that steps back is treated as no time passing.
    public mutating func tryConsume(now: UInt64) -> Bool {
        if let last = lastRefill {
            if now > last {
                tokens = min(burst, tokens + Double(now - last) / 1e9 * ratePerSecond)
                lastRefill = now
            }
        } else {
            lastRefill = now
        }
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}
