import Buffers
import Reactor
import Retry
import Synchronization

/// Counters the main thread watches while connections are being set up.
final class Progress: Sendable {
    let opened = Atomic<Int>(0)
    let failed = Atomic<Int>(0)
    let closed = Atomic<Int>(0)
    let acknowledged = Atomic<Int>(0)
}

/// What one thread measured, handed to the main thread at the end.
struct ThreadResult: Sendable {
    var stats: ReceiveStats
    var handshakes: LatencyHistogram
    var counts: ConnectionCounts
    var churn = ChurnTally()
}

/// One loop's share of the clients: starts them at the configured rate and keeps the
/// loop's counters. Everything here runs on the loop's thread.
final class ClientWorker {
    unowned let loop: EventLoop
    let configuration: BenchConfiguration
    let target: SocketAddress
    let sources: [SocketAddress]
    let progress: Progress
    /// Client indexes owned by this loop: loop.index, loop.index + threads, …
    private let myCount: Int
    private var started = 0
    var inFlight = 0
    private(set) var startTime: UInt64 = 0
    private var connections: [ClientConnection] = []
    /// Cheap per-thread randomness for handshake nonces and masking keys.
    private var random: SplitMix64

    var stats = ReceiveStats()
    /// Pong and close-echo frames produced while processing one read.
    var reply = ByteBuffer(capacity: 256)
    var handshakes = LatencyHistogram()
    var counts = ConnectionCounts()
    /// Set in a churn run (`bench --churn`): its waves instead of one connect phase.
    let churn: ChurnPlan?

    /// Connects in progress per loop; bounded so a burst does not overflow the server's backlog.
    static let maxInFlight = 512
    static let pumpInterval: UInt64 = 1_000_000

    init(
        loop: EventLoop, configuration: BenchConfiguration, target: SocketAddress, sources: [SocketAddress], progress: Progress,
        churn: ChurnPlan? = nil
    ) {
        self.loop = loop
        self.churn = churn
        self.configuration = configuration
        self.target = target
        self.sources = sources
        self.progress = progress
        let threads = configuration.threads
        myCount = loop.index < configuration.connections ? (configuration.connections - loop.index + threads - 1) / threads : 0
        random = SplitMix64(seed: UInt64.random(in: .min ... .max))
    }

    func start() {
        startTime = MonotonicClock.now()
        if churn != nil { connectWave(0) } else { pump() }
    }

    /// Starts the connections that are due, then comes back in a millisecond.
    private func pump() {
        guard started < myCount else { return }
        var allowed = 256
        if configuration.connectRate > 0 {
            let perThread = configuration.connectRate / Double(configuration.threads)
            let elapsed = Double(MonotonicClock.now() - startTime) / 1e9
            allowed = Int(elapsed * perThread) + 1 - started
        }
        allowed = Swift.min(allowed, Self.maxInFlight - inFlight, myCount - started)
        while allowed > 0 {
            if let connection = startOne(index: configuration.firstIndex + loop.index + started * configuration.threads) {
                connections.append(connection)
            }
            started += 1
            allowed -= 1
        }
        if started < myCount {
            loop.schedule(afterNanoseconds: Self.pumpInterval) { [unowned self] in self.pump() }
        }
    }

    /// Starts client `index`'s connect; nil (counted as failed) when the socket could not be made.
    func startOne(index: Int) -> ClientConnection? {
        let source = sources.isEmpty ? nil : sources[index % sources.count]
        do {
            let proto = ClientProtocol(using: &random, deflate: configuration.deflate)
            let connection = try ClientConnection(index: index, worker: self, target: target, source: source, proto: proto)
            inFlight += 1
            return connection
        } catch {
            counts.failed += 1
            counts.failures["\(error)", default: 0] += 1
            progress.failed.add(1, ordering: .relaxed)
            return nil
        }
    }

    // MARK: connection callbacks

    func didOpen(_ connection: ClientConnection) {
        inFlight -= 1
        counts.opened += 1
        if connection.stopsReading { counts.stoppedReading += 1 }
        handshakes.record((MonotonicClock.now() - connection.startedAt) / 1000)
        progress.opened.add(1, ordering: .relaxed)
    }

    func didFail(_ connection: ClientConnection, reason: String) {
        inFlight -= 1
        counts.failed += 1
        counts.failures[reason, default: 0] += 1
        progress.failed.add(1, ordering: .relaxed)
    }

    func didClose(_ connection: ClientConnection, code: UInt16) {
        counts.closed += 1
        counts.closeCodes[code, default: 0] += 1
        progress.closed.add(1, ordering: .relaxed)
    }

    // MARK: measurement

    /// The warm-up boundary: counters start from zero now, and every client notes
    /// its `seq` so the end can tell which ones got nothing.
    func resetWindow() {
        stats = ReceiveStats()
        for connection in connections { connection.markWindowStart() }
    }

    func result() -> ThreadResult {
        var counts = counts
        counts.silent = connections.count { $0.isSilentSinceWindowStart }
        return ThreadResult(stats: stats, handshakes: handshakes, counts: counts, churn: churn?.tally ?? ChurnTally())
    }

    /// Closes every socket (end of the run).
    func closeAll() {
        for connection in connections { connection.release() }
        connections = []
        churn?.releaseAll()
    }
}

@available(*, unavailable)
extension ClientWorker: Sendable {}
