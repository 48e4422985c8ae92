/// Exponential backoff with full jitter, for reconnecting to Redis and PostgreSQL
/// without synchronized retry storms from many instances: the n-th delay (n from 0)
/// is uniform in 0...min(maximum, initial·multiplier^n), with `multiplier` 2 by default.
public struct Backoff: Sendable {
    public let initial: Double
    public let maximum: Double
    public let multiplier: Double
    public private(set) var attempt = 0
    private var random: SplitMix64

    public init(initial: Double = 0.1, maximum: Double = 10, multiplier: Double = 2, seed: UInt64 = 0x5EED) {
        precondition(initial > 0 && maximum >= initial && multiplier >= 1)
        self.initial = initial
        self.maximum = maximum
        self.multiplier = multiplier
        random = SplitMix64(seed: seed)
    }

    /// The ceiling of the next delay, without jitter: initial × multiplier^attempt, capped.
    public var currentCeiling: Double {
        var value = initial
        for _ in 0..<min(attempt, 64) {
            value *= multiplier
            if value >= maximum { return maximum }
        }
        return min(value, maximum)
    }

    /// Seconds to wait before the next attempt: uniform in 0...ceiling (full jitter).
    public mutating func nextDelay() -> Double {
        let ceiling = currentCeiling
        attempt += 1
        return Double.random(in: 0...ceiling, using: &random)
    }

    /// Call after a success: the next failure starts from `initial` again.
    public mutating func reset() {
        attempt = 0
    }
}
