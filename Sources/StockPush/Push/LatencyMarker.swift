import Reactor
import Telemetry

/// Records the tick's publish latency when the loop's flushes reach it.
final class LatencyMarker: Flushable {
    let startedAt: UInt64
    let histogram: Histogram

    init(startedAt: UInt64, histogram: Histogram) {
        self.startedAt = startedAt
        self.histogram = histogram
    }

    func flush() {
        histogram.observe(Double(MonotonicClock.now() &- startedAt) / 1e9)
    }
}
