import JSON

/// Reading a child's `--json --histograms` report back and merging several: the
/// parent of `stockpush bench --processes N` does this, so 100,000 clients (more than
/// one process's file limit) report as one run with exact percentiles.
extension BenchReport {
    public enum DecodingError: Error, Equatable, CustomStringConvertible {
        case notJSON(String)
        case missing(String)
        case invalid(String)

        public var description: String {
            switch self {
            case .notJSON(let detail): "the report is not JSON: \(detail)"
            case .missing(let field): "the report has no \(field)"
            case .invalid(let field): "the report's \(field) is invalid"
            }
        }
    }

    /// Parses `json(histograms: true)`.
    public init(json text: String) throws(DecodingError) {
        let value: JSONValue
        do { value = try JSONParser.parse(text) } catch { throw .notJSON("\(error)") }
        func int(_ path: String...) throws(DecodingError) -> Int {
            var node: JSONValue? = value
            for key in path { node = node?[key] }
            guard let number = node?.intValue else { throw .missing(path.joined(separator: ".")) }
            return number
        }
        func double(_ key: String) throws(DecodingError) -> Double {
            guard let number = value[key]?.doubleValue else { throw .missing(key) }
            return number
        }
        func tally(_ key: String) throws(DecodingError) -> [String: Int] {
            guard let object = value["connections"]?[key]?.objectValue else { throw .missing("connections.\(key)") }
            var result: [String: Int] = [:]
            for (name, count) in object {
                guard let count = count.intValue else { throw .invalid("connections.\(key).\(name)") }
                result[name] = count
            }
            return result
        }
        guard let latency = value["latency_histogram_us"], let handshakeJSON = value["handshake_histogram_us"] else {
            throw .missing("histograms (run the child with --json --histograms)")
        }
        var stats = ReceiveStats()
        stats.frames = UInt64(try int("frames"))
        stats.priceUpdates = UInt64(try int("price_updates"))
        stats.snapshots = UInt64(try int("snapshots"))
        stats.otherMessages = UInt64(try int("other_messages"))
        stats.malformed = UInt64(try int("malformed"))
        stats.pings = UInt64(try int("pings"))
        stats.wireBytes = UInt64(try int("bytes"))
        stats.payloadBytes = UInt64(try int("payload_bytes"))
        stats.seqGaps = UInt64(try int("seq_gaps"))
        stats.seqMissing = UInt64(try int("seq_missing"))
        stats.latency = try LatencyHistogram(json: latency)
        // Absent from reports of builds before the receive chain: empty, not an error.
        if let histogram = value["since_quote_histogram_us"] { stats.sinceQuote = try LatencyHistogram(json: histogram) }
        if let histogram = value["since_ingest_histogram_us"] { stats.sinceIngest = try LatencyHistogram(json: histogram) }
        var closeCodes: [UInt16: Int] = [:]
        for (code, count) in try tally("close_codes") {
            guard let code = UInt16(code) else { throw .invalid("connections.close_codes") }
            closeCodes[code] = count
        }
        var counts = ConnectionCounts()
        counts.opened = try int("connections", "opened")
        counts.failed = try int("connections", "failed")
        counts.closed = try int("connections", "closed")
        counts.stoppedReading = try int("connections", "stopped_reading")
        counts.silent = try int("connections", "silent")
        counts.closeCodes = closeCodes
        counts.failures = try tally("failures")
        guard try int("connections", "open") == counts.open else { throw .invalid("connections.open") }
        self.init(
            connectionsRequested: try int("connections", "requested"), counts: counts, threads: try int("threads"),
            connectSeconds: try double("connect_seconds"), warmupSeconds: try double("warmup_seconds"),
            durationSeconds: try double("duration"), handshakes: try LatencyHistogram(json: handshakeJSON), stats: stats,
            cpuPercent: try double("cpu_percent"), cpuCapacityCores: try int("cpu_capacity_cores"),
            processes: try int("processes"))
    }

    /// Adds another process's run. Counts and histograms add up; the connect phase is
    /// the slowest one; the measured window is the mean (the processes measure the
    /// same configured duration, each over its own clock); CPU adds up, and the
    /// capacity is capped at `cpus` cores, the CPUs the processes share.
    public mutating func merge(_ other: BenchReport, cpus: Int) {
        let windows = durationSeconds * Double(processes) + other.durationSeconds * Double(other.processes)
        connectionsRequested += other.connectionsRequested
        counts.merge(other.counts)
        threads += other.threads
        connectSeconds = Swift.max(connectSeconds, other.connectSeconds)
        warmupSeconds = Swift.max(warmupSeconds, other.warmupSeconds)
        processes += other.processes
        durationSeconds = windows / Double(processes)
        handshakes.merge(other.handshakes)
        stats.merge(other.stats)
        cpuPercent += other.cpuPercent
        cpuCapacityCores = Swift.min(cpuCapacityCores + other.cpuCapacityCores, Swift.max(1, cpus))
    }
}
