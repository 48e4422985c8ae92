/// Exponential backoff with full jitter, for reconnecting to Redis and PostgreSQL
/// without synchronized retry storms from many instances.
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

    /// Seconds to wait before the next attempt: uniform in [ceiling/2, ceiling].
    public mutating func nextDelay() -> Double {
        let ceiling = currentCeiling
        attempt += 1
        let unit = Double(random.next() >> 11) / Double(1 << 53)
        return ceiling / 2 + unit * ceiling / 2
    }

    /// Call after a success: the next failure starts from `initial` again.
    public mutating func reset() {
        attempt = 0
    }
}

/// A tiny, fast, seedable PRNG (public-domain SplitMix64 constants); good enough
/// for jitter and simulations, never for secrets.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
