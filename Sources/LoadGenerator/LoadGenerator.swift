import Glibc
import Reactor
import Retry
import Synchronization

/// Runs a benchmark: N clients over `threads` event loops, warm-up, a measured
/// window, then the merged report. Blocks the calling thread for the whole run.
public enum LoadGenerator {
    public enum Failure: Error, CustomStringConvertible {
        case fileLimit(connections: Int, limit: UInt64)
        case address(String)

        public var description: String {
            switch self {
            case .fileLimit(let connections, let limit):
                "--connections \(connections) needs about \(connections + LoadGenerator.reservedDescriptors) open files but the limit is \(limit) (raise it with ulimit -n, or use fewer connections)"
            case .address(let text): text
            }
        }
    }

    /// Descriptors the process needs besides its sockets (epoll, eventfds, stdio, …).
    static let reservedDescriptors = 64

    /// Ignores SIGPIPE and raises the open-file limit far enough for `connections`
    /// clients at once, or says why it cannot.
    static func prepareProcess(for connections: Int) throws {
        _ = signal(SIGPIPE, SIG_IGN)
        let files = ResourceLimits.raiseOpenFileLimit()
        guard UInt64(connections + reservedDescriptors) <= files.soft else {
            throw Failure.fileLimit(connections: connections, limit: files.soft)
        }
    }

    /// CPUs this process may use (affinity mask and cgroup quota), at least 1.
    public static func availableCPUs() -> Int { CPUBudget.usable() }

    /// User + system CPU time of the whole process, microseconds.
    static func processCPUMicroseconds() -> Int64 {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func micros(_ time: timeval) -> Int64 { Int64(time.tv_sec) * 1_000_000 + Int64(time.tv_usec) }
        return micros(usage.ru_utime) + micros(usage.ru_stime)
    }

    /// Runs the benchmark; `log` gets progress lines (for stderr).
    public static func run(_ configuration: BenchConfiguration, log: (String) -> Void) throws -> BenchReport {
        try prepareProcess(for: configuration.connections)
        let (target, sources) = try addresses(for: configuration)
        let progress = Progress()
        let connectStart = MonotonicClock.now()
        let group = try EventLoopGroup(count: configuration.threads) { loop in
            let worker = ClientWorker(
                loop: loop, configuration: configuration, target: target, sources: sources, progress: progress)
            loop.attach(worker)
            worker.start()
        }
        defer {
            for handle in group.handles { handle.execute { $0.attached(ClientWorker.self)?.closeAll() } }
            group.stop()
            group.join()
        }

        let connectSeconds = awaitConnections(configuration, progress: progress, since: connectStart, log: log)
        log(
            "connected \(progress.opened.load(ordering: .relaxed)) (\(progress.failed.load(ordering: .relaxed)) failed) in \(format(connectSeconds, 2)) s; warming up \(format(configuration.warmupSeconds, 1)) s"
        )
        // Nothing to measure when no client got through (server down, refused): report now.
        let anyOpen = progress.opened.load(ordering: .relaxed) > 0
        if anyOpen { ThreadSleep.sleep(configuration.warmupSeconds) }

        // Warm-up boundary: every loop zeroes its counters; the window starts when all did.
        for handle in group.handles {
            handle.execute { loop in
                loop.attached(ClientWorker.self)?.resetWindow()
                progress.acknowledged.add(1, ordering: .releasing)
            }
        }
        while progress.acknowledged.load(ordering: .acquiring) < configuration.threads { ThreadSleep.sleep(0.0005) }
        let cpuStart = processCPUMicroseconds()
        let windowStart = MonotonicClock.now()
        if anyOpen {
            log("measuring \(format(configuration.durationSeconds, 1)) s")
            ThreadSleep.sleep(configuration.durationSeconds)
        }
        let cpuEnd = processCPUMicroseconds()
        let windowEnd = MonotonicClock.now()

        let collected = results(of: group, threads: configuration.threads)

        var stats = ReceiveStats()
        var handshakes = LatencyHistogram()
        var counts = ConnectionCounts()
        for result in collected {
            stats.merge(result.stats)
            handshakes.merge(result.handshakes)
            counts.merge(result.counts)
        }
        let window = Double(windowEnd - windowStart) / 1e9
        return BenchReport(
            connectionsRequested: configuration.connections, counts: counts, threads: configuration.threads,
            connectSeconds: connectSeconds, warmupSeconds: anyOpen ? configuration.warmupSeconds : 0,
            durationSeconds: anyOpen ? window : 0, handshakes: handshakes, stats: stats,
            cpuPercent: anyOpen && window > 0 ? Double(cpuEnd - cpuStart) / 1e4 / window : 0,
            cpuCapacityCores: Swift.min(configuration.threads, availableCPUs()))
    }

    /// The server's address and the local source addresses clients rotate over.
    static func addresses(for configuration: BenchConfiguration) throws -> (SocketAddress, [SocketAddress]) {
        let host = configuration.url.host == "localhost" ? "127.0.0.1" : configuration.url.host
        let target: SocketAddress
        do { target = try SocketAddress(host: host, port: configuration.url.port) } catch {
            throw Failure.address("cannot use \(configuration.url.host) as an address (numeric IPs or localhost only): \(error)")
        }
        var sources: [SocketAddress] = []
        for index in 0..<configuration.sourceAddresses {
            sources.append(try SocketAddress(host: "127.0.0.\(index + 1)", port: 0))
        }
        return (target, sources)
    }

    /// The connect phase: until every client is open or failed, or a generous deadline;
    /// returns its seconds.
    static func awaitConnections(
        _ configuration: BenchConfiguration, progress: Progress, since connectStart: UInt64, log: (String) -> Void
    ) -> Double {
        let expectedSeconds = configuration.connectRate > 0 ? Double(configuration.connections) / configuration.connectRate : 0
        // A loaded server (ticks going out to those already connected) accepts slower:
        // allow a millisecond per client on top.
        let allowance = expectedSeconds * 1.5 + 30 + Double(configuration.connections) / 1000
        let deadline = connectStart + UInt64(allowance * 1e9)
        var lastLog = connectStart
        while true {
            let settled = progress.opened.load(ordering: .relaxed) + progress.failed.load(ordering: .relaxed)
            let now = MonotonicClock.now()
            if settled >= configuration.connections { break }
            if now >= deadline {
                log("connect phase timed out with \(configuration.connections - settled) connection(s) pending")
                break
            }
            if now - lastLog >= 1_000_000_000 {
                lastLog = now
                log(
                    "connecting: \(progress.opened.load(ordering: .relaxed)) open, \(progress.failed.load(ordering: .relaxed)) failed of \(configuration.connections)"
                )
            }
            ThreadSleep.sleep(0.005)
        }
        return Double(MonotonicClock.now() - connectStart) / 1e9
    }

    /// Each loop's result, taken on its loop.
    static func results(of group: EventLoopGroup, threads: Int) -> [ThreadResult] {
        let results = Mutex<[ThreadResult]>([])
        for handle in group.handles {
            handle.execute { loop in
                guard let worker = loop.attached(ClientWorker.self) else { return }
                let result = worker.result()
                results.withLock { $0.append(result) }
            }
        }
        while results.withLock({ $0.count }) < threads { ThreadSleep.sleep(0.0005) }
        return results.withLock { $0 }
    }
}
