import Reactor
import Telemetry

/// Records the tick's publish latency when the loop's flushes reach it.
final class LatencyMarker: Flushable {
    let startedAt: UInt64
    let histogram: Histogram
    /// The tick's debug line, told this loop is done (with the clients it reached).
    let report: (report: TickReport, clients: Int)?

    init(startedAt: UInt64, histogram: Histogram, report: (report: TickReport, clients: Int)? = nil) {
        self.startedAt = startedAt
        self.histogram = histogram
        self.report = report
    }

    func flush() {
        histogram.observe(Double(MonotonicClock.now() &- startedAt) / 1e9)
        report?.report.loopDone(clients: report!.clients)
    }
}
