/// A log-linear histogram of non-negative integers (microseconds here): values below
/// 256 are exact; above, each power of two is split into 128 equal buckets, so a
/// bucket's midpoint is within 0.4 % of any value in it. Covers 1 µs to 67 s (larger
/// values land in the last bucket; `max` stays exact). Fixed size, no allocation when
/// recording, merged by adding counts.
public struct LatencyHistogram: Sendable, Equatable {
    static let linearLimit: UInt64 = 256
    static let subBuckets = 128
    /// 2^26 µs ≈ 67 s.
    static let highestExponent = 25
    static let bucketCount = 256 + (highestExponent - 8 + 1) * subBuckets

    public internal(set) var counts: [UInt64]
    public internal(set) var total: UInt64 = 0
    public internal(set) var max: UInt64 = 0
    public internal(set) var min: UInt64 = .max
    public internal(set) var sum: UInt64 = 0

    public init() {
        counts = [UInt64](repeating: 0, count: Self.bucketCount)
    }

    @inline(__always)
    static func index(of value: UInt64) -> Int {
        if value < linearLimit { return Int(value) }
        let clamped = Swift.min(value, (1 << (UInt64(highestExponent) + 1)) - 1)
        let exponent = 63 - clamped.leadingZeroBitCount  // 8...highestExponent
        let shift = exponent - 7
        let sub = Int(clamped >> UInt64(shift))  // 128...255
        return 256 + (exponent - 8) * subBuckets + (sub - 128)
    }

    /// The value a bucket stands for: its midpoint (exact below 256).
    static func value(at index: Int) -> UInt64 {
        if index < 256 { return UInt64(index) }
        let offset = index - 256
        let exponent = offset / subBuckets + 8
        let shift = exponent - 7
        let low = UInt64(offset % subBuckets + 128) << UInt64(shift)
        return low + (UInt64(1) << UInt64(shift)) / 2
    }

    @inline(__always)
    public mutating func record(_ value: UInt64) {
        counts[Self.index(of: value)] &+= 1
        total &+= 1
        sum &+= value
        if value > max { max = value }
        if value < min { min = value }
    }

    public mutating func merge(_ other: LatencyHistogram) {
        for index in counts.indices { counts[index] &+= other.counts[index] }
        total += other.total
        sum &+= other.sum
        max = Swift.max(max, other.max)
        min = Swift.min(min, other.min)
    }

    public mutating func reset() {
        self = LatencyHistogram()
    }

    /// Nearest-rank percentile (0 < p ≤ 100); 0 when empty. Never above the exact max.
    public func percentile(_ p: Double) -> UInt64 {
        guard total > 0 else { return 0 }
        let rank = Swift.max(1, UInt64((p / 100 * Double(total)).rounded(.up)))
        var seen: UInt64 = 0
        for index in counts.indices {
            seen += counts[index]
            if seen >= rank { return Swift.max(Swift.min(Self.value(at: index), max), min) }
        }
        return max
    }

    public var mean: Double { total == 0 ? 0 : Double(sum) / Double(total) }
}
