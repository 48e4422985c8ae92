import JSON

/// What one loop did in a churn run besides the usual counters: connects started,
/// clients it disconnected at the end of their hold, waves it ran.
public struct ChurnTally: Sendable, Equatable {
    public var attempted = 0
    /// Open clients closed by the generator when their wave's hold ended (the churn itself).
    public var disconnected = 0
    public var waves = 0

    public init() {}

    public mutating func merge(_ other: ChurnTally) {
        attempted += other.attempted
        disconnected += other.disconnected
        waves = Swift.max(waves, other.waves)
    }
}

/// The result of `stockpush bench --churn`, as a table or one JSON object.
public struct ChurnReport: Sendable {
    public var schedule: ChurnSchedule
    public var users: Int
    public var tally: ChurnTally
    /// opened = connects that got their 101; failed = the rest (refusals included);
    /// closed = clients the server closed before their hold ended.
    public var counts: ConnectionCounts
    public var stats: ReceiveStats
    public var handshakes: LatencyHistogram
    public var seconds: Double

    /// Connects the server answered with an HTTP status instead of 101 (401, 429, 503…).
    public var refused: Int { counts.failures.filter { $0.key.hasPrefix("HTTP ") }.values.reduce(0, +) }
    /// Connects that failed otherwise (TCP errors, timeouts, not open when the hold ended).
    public var failedOtherwise: Int { counts.failed - refused }
    /// Every wave ran, every connect got through and got its subscription acknowledged,
    /// and the server closed none of them early.
    public var succeeded: Bool {
        tally.waves == schedule.waves && tally.attempted == schedule.waves * schedule.waveSize
            && counts.opened == tally.attempted && counts.closed == 0 && stats.subscribedAcks >= UInt64(counts.opened)
    }

    public func json() -> String {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("mode")
        writer.string("churn")
        writer.key("succeeded")
        writer.bool(succeeded)
        writer.key("waves")
        writer.int(tally.waves)
        writer.key("wave_size")
        writer.int(schedule.waveSize)
        writer.key("wave_interval")
        writer.fixed(schedule.intervalSeconds, decimals: 3)
        writer.key("hold")
        writer.fixed(schedule.holdSeconds, decimals: 3)
        writer.key("users")
        writer.int(users)
        writer.key("seconds")
        writer.fixed(seconds, decimals: 3)
        writer.key("connects")
        writer.beginObject()
        for (name, value) in [
            ("attempted", tally.attempted), ("ok", counts.opened), ("refused", refused), ("failed", failedOtherwise),
            ("closed_by_server", counts.closed), ("disconnected", tally.disconnected),
        ] {
            writer.key(escaping: name)
            writer.int(value)
        }
        writer.endObject()
        counts.writeFailures(into: &writer)
        writer.key("subscribed")
        writer.int(Int(stats.subscribedAcks))
        writer.key("messages")
        writer.int(Int(stats.frames))
        writer.key("price_updates")
        writer.int(Int(stats.priceUpdates))
        writer.key("handshake_ms")
        writer.beginObject()
        for (name, p) in [("p50", 50.0), ("p90", 90), ("p99", 99)] {
            writer.key(escaping: name)
            writer.fixed(BenchReport.milliseconds(handshakes.percentile(p)), decimals: 3)
        }
        writer.key("max")
        writer.fixed(BenchReport.milliseconds(handshakes.max), decimals: 3)
        writer.endObject()
        writer.endObject()
        return String(decoding: writer.buffer.readableBytesArray, as: UTF8.self)
    }

    public func table() -> String {
        func ms(_ p: Double) -> String { format(BenchReport.milliseconds(handshakes.percentile(p)), 3) }
        var lines: [String] = []
        func row(_ name: String, _ value: String) {
            lines.append(name + String(repeating: " ", count: Swift.max(1, 28 - name.count)) + value)
        }
        row(
            "waves",
            "\(tally.waves) of \(schedule.waveSize) (every \(format(schedule.intervalSeconds, 2)) s, held \(format(schedule.holdSeconds, 2)) s)"
        )
        row("users", users == 0 ? "anonymous" : "\(users) (JWT)")
        row("connects", "\(tally.attempted) attempted, \(counts.opened) ok, \(refused) refused, \(failedOtherwise) failed")
        for (reason, count) in counts.commonFailures {
            row("  failure", "\(count)× \(reason)")
        }
        row("closed by server", "\(counts.closed)")
        row("disconnected after hold", "\(tally.disconnected)")
        row("subscribed acks", "\(stats.subscribedAcks)")
        row("messages", "\(stats.frames) (\(stats.priceUpdates) price_update)")
        row("handshake p50/p90/p99", "\(ms(50)) / \(ms(90)) / \(ms(99)) ms")
        row("run", "\(format(seconds, 1)) s, \(succeeded ? "every wave succeeded" : "NOT every wave succeeded")")
        return lines.joined(separator: "\n")
    }
}
