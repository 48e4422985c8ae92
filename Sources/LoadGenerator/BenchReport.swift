import Buffers
import JSON

/// The result of a run: every number the human table and `--json` show.
public struct BenchReport: Sendable {
    public var connectionsRequested: Int
    public var counts: ConnectionCounts
    public var threads: Int
    public var connectSeconds: Double
    public var warmupSeconds: Double
    /// The measured window.
    public var durationSeconds: Double
    public var handshakes: LatencyHistogram
    public var stats: ReceiveStats
    /// CPU time of this process over the window, as a percentage of one core.
    public var cpuPercent: Double
    /// Cores the generator can use: its threads, capped by the CPUs it may run on.
    public var cpuCapacityCores: Int
    /// Generator processes whose results were merged into this one (`--processes`).
    public var processes: Int = 1

    public var framesPerSecond: Double { durationSeconds > 0 ? Double(stats.frames) / durationSeconds : 0 }
    public var priceUpdatesPerSecond: Double { durationSeconds > 0 ? Double(stats.priceUpdates) / durationSeconds : 0 }
    public var megabytesPerSecond: Double { durationSeconds > 0 ? Double(stats.wireBytes) / 1e6 / durationSeconds : 0 }
    public var cpuPercentOfCapacity: Double { cpuPercent / Double(Swift.max(1, cpuCapacityCores)) }
    /// The generator used ≥ 90 % of what its threads can do: its numbers may be its own limits.
    public var generatorSaturated: Bool { cpuPercentOfCapacity >= 90 }

    static func milliseconds(_ micros: UInt64) -> Double { Double(micros) / 1000 }

    /// `histograms: true` adds the raw latency and handshake histograms, which
    /// `init(json:)` reads back to merge runs exactly.
    public func json(histograms: Bool = false) -> String {
        var writer = JSONWriter()
        writer.beginObject()
        writeConnections(into: &writer)
        writer.key("handshake_ms")
        writer.beginObject()
        writer.key("p50")
        writer.fixed(Self.milliseconds(handshakes.percentile(50)), decimals: 3)
        writer.key("p99")
        writer.fixed(Self.milliseconds(handshakes.percentile(99)), decimals: 3)
        writer.key("max")
        writer.fixed(Self.milliseconds(handshakes.max), decimals: 3)
        writer.endObject()
        writer.key("threads")
        writer.int(threads)
        writer.key("processes")
        writer.int(processes)
        writer.key("connect_seconds")
        writer.fixed(connectSeconds, decimals: 3)
        writer.key("warmup_seconds")
        writer.fixed(warmupSeconds, decimals: 3)
        writer.key("duration")
        writer.fixed(durationSeconds, decimals: 3)
        writeTraffic(into: &writer)
        writer.key("seq_gaps")
        writer.int(Int(stats.seqGaps))
        writer.key("seq_missing")
        writer.int(Int(stats.seqMissing))
        writer.key("cpu_percent")
        writer.fixed(cpuPercent, decimals: 1)
        writer.key("cpu_capacity_cores")
        writer.int(cpuCapacityCores)
        writer.key("cpu_percent_of_capacity")
        writer.fixed(cpuPercentOfCapacity, decimals: 1)
        writer.key("generator_saturated")
        writer.bool(generatorSaturated)
        if histograms {
            writer.key("latency_histogram_us")
            stats.latency.write(to: &writer)
            writer.key("handshake_histogram_us")
            handshakes.write(to: &writer)
            writer.key("since_quote_histogram_us")
            stats.sinceQuote.write(to: &writer)
            writer.key("since_ingest_histogram_us")
            stats.sinceIngest.write(to: &writer)
        }
        writer.endObject()
        return String(decoding: writer.buffer.readableBytesArray, as: UTF8.self)
    }

    /// The `connections` object: what was asked for and what became of it.
    private func writeConnections(into writer: inout JSONWriter) {
        writer.key("connections")
        writer.beginObject()
        writer.key("requested")
        writer.int(connectionsRequested)
        writer.key("opened")
        writer.int(counts.opened)
        writer.key("open")
        writer.int(counts.open)
        writer.key("failed")
        writer.int(counts.failed)
        writer.key("closed")
        writer.int(counts.closed)
        writer.key("stopped_reading")
        writer.int(counts.stoppedReading)
        writer.key("silent")
        writer.int(counts.silent)
        writer.key("close_codes")
        writer.beginObject()
        for (code, count) in counts.closeCodes.sorted(by: { $0.key < $1.key }) {
            writer.key(escaping: String(code))
            writer.int(count)
        }
        writer.endObject()
        counts.writeFailures(into: &writer)
        writer.endObject()
    }

    /// Frames, bytes and latency of the measured window.
    private func writeTraffic(into writer: inout JSONWriter) {
        writer.key("frames")
        writer.int(Int(stats.frames))
        writer.key("price_updates")
        writer.int(Int(stats.priceUpdates))
        writer.key("snapshots")
        writer.int(Int(stats.snapshots))
        writer.key("other_messages")
        writer.int(Int(stats.otherMessages))
        writer.key("malformed")
        writer.int(Int(stats.malformed))
        writer.key("pings")
        writer.int(Int(stats.pings))
        writer.key("frames_per_second")
        writer.fixed(framesPerSecond, decimals: 1)
        writer.key("bytes")
        writer.int(Int(stats.wireBytes))
        writer.key("payload_bytes")
        writer.int(Int(stats.payloadBytes))
        writer.key("mb_per_second")
        writer.fixed(megabytesPerSecond, decimals: 3)
        writer.key("latency_ms")
        writer.beginObject()
        for (name, p) in [("p50", 50.0), ("p90", 90), ("p99", 99), ("p999", 99.9)] {
            writer.key(escaping: name)
            writer.fixed(Self.milliseconds(stats.latency.percentile(p)), decimals: 3)
        }
        writer.key("max")
        writer.fixed(Self.milliseconds(stats.latency.max), decimals: 3)
        writer.key("mean")
        writer.fixed(stats.latency.mean / 1000, decimals: 3)
        writer.endObject()
        // The earlier links of the chain, from each update's first quote (when it has them).
        writer.key("receive_chain_ms")
        writer.beginObject()
        for (name, histogram) in [("since_quote_time", stats.sinceQuote), ("since_ingest_time", stats.sinceIngest)] {
            writer.key(escaping: name)
            writer.beginObject()
            writer.key("count")
            writer.int(Int(histogram.total))
            for (key, p) in [("p50", 50.0), ("p99", 99)] {
                writer.key(escaping: key)
                writer.fixed(Self.milliseconds(histogram.percentile(p)), decimals: 3)
            }
            writer.endObject()
        }
        writer.endObject()
    }

    public func table() -> String {
        func ms(_ micros: UInt64) -> String { format(Self.milliseconds(micros), 3) }
        var lines: [String] = []
        func row(_ name: String, _ value: String) { lines.append(name.padded(28) + value) }
        row("connections", "\(counts.open) open of \(connectionsRequested) requested (opened \(counts.opened))")
        row("  failed / closed", "\(counts.failed) / \(counts.closed)")
        if counts.stoppedReading > 0 { row("  stopped reading", "\(counts.stoppedReading)") }
        if counts.silent > 0 { row("  silent (no update)", "\(counts.silent)") }
        if !counts.closeCodes.isEmpty {
            row(
                "  close codes",
                counts.closeCodes.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " "))
        }
        for (reason, count) in counts.commonFailures {
            row("  failure", "\(count)× \(reason)")
        }
        row("handshake p50 / p99", "\(ms(handshakes.percentile(50))) / \(ms(handshakes.percentile(99))) ms")
        row("connect phase", "\(format(connectSeconds, 2)) s, warm-up \(format(warmupSeconds, 2)) s")
        row(
            "measured",
            "\(format(durationSeconds, 2)) s on \(threads) thread(s)\(processes > 1 ? " in \(processes) processes" : "")")
        row("frames", "\(stats.frames) (\(stats.priceUpdates) price_update, \(stats.snapshots) snapshot)")
        row("frames/s", format(framesPerSecond, 0))
        row("MB/s received", format(megabytesPerSecond, 2))
        let latency = stats.latency
        row(
            "latency p50/p90/p99/p99.9",
            "\(ms(latency.percentile(50))) / \(ms(latency.percentile(90))) / \(ms(latency.percentile(99))) / \(ms(latency.percentile(99.9))) ms"
        )
        row("latency max", "\(ms(latency.max)) ms")
        for (name, histogram) in [("since quote_time", stats.sinceQuote), ("since ingest_time", stats.sinceIngest)]
        where histogram.total > 0 {
            row("  \(name) p50/p99", "\(ms(histogram.percentile(50))) / \(ms(histogram.percentile(99))) ms")
        }
        row("seq gaps", "\(stats.seqGaps) (\(stats.seqMissing) updates missing)")
        if stats.malformed > 0 { row("malformed price_update", "\(stats.malformed)") }
        row(
            "generator CPU",
            "\(format(cpuPercent, 1)) % of one core, \(format(cpuPercentOfCapacity, 1)) % of \(cpuCapacityCores) core(s)")
        if generatorSaturated {
            lines.append("WARNING: the load generator is saturated (≥ 90 % of its CPU): it may be the bottleneck.")
        }
        return lines.joined(separator: "\n")
    }
}

/// Fixed-point formatting without Foundation.
func format(_ value: Double, _ decimals: Int) -> String {
    guard value.isFinite else { return "\(value)" }
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let scaled = (abs(value) * scale).rounded()
    let whole = Int(scaled / scale)
    var text = (value < 0 && scaled > 0 ? "-" : "") + String(whole)
    if decimals > 0 {
        let fraction = Int(scaled - Double(whole) * scale)
        let digits = String(fraction)
        text += "." + String(repeating: "0", count: decimals - digits.count) + digits
    }
    return text
}

extension String {
    fileprivate func padded(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
