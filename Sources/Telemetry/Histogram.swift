import Synchronization

/// A Prometheus histogram with fixed upper bounds (for example seconds). Observations
/// take a short lock, so it suits per-tick or per-event values, not per-message ones.
public final class Histogram: Sendable {
    /// Ascending upper bounds; a value above the last lands only in the implicit +Inf bucket.
    public let bounds: [Double]
    private let state: Mutex<(counts: [Int], sum: Double, count: Int)>

    public init(bounds: [Double]) {
        precondition(zip(bounds, bounds.dropFirst()).allSatisfy { $0 < $1 }, "histogram bounds must ascend")
        self.bounds = bounds
        state = Mutex((counts: Array(repeating: 0, count: bounds.count), sum: 0, count: 0))
    }

    public func observe(_ value: Double) {
        state.withLock { state in
            for (index, bound) in bounds.enumerated() where value <= bound { state.counts[index] += 1 }
            state.sum += value
            state.count += 1
        }
    }

    /// Cumulative bucket counts (one per bound, as Prometheus' `le` buckets), sum and count.
    public var snapshot: (buckets: [Int], sum: Double, count: Int) {
        state.withLock { ($0.counts, $0.sum, $0.count) }
    }
}
