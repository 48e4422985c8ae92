import PushCore
import PushProtocol
import Reactor
import Redis
import Synchronization
import Telemetry

/// Session records in Redis, on a thread of its own (hiredis blocks; loops never wait).
///
/// Loops hand it writes and lookups and return at once. Writes are coalesced per token
/// (the newest record wins) and sent as one pipeline per round, so a client that changes
/// its subscriptions ten times in a loop iteration costs one SET. Every live session's
/// key is refreshed every third of the TTL (one pipelined PEXPIRE per session), so the
/// record of a client whose instance crashed outlives the crash by at least two thirds
/// of `SESSION_RESUME_TTL`. Lookups answer `.unavailable` at once while Redis is down.
public final class SessionStore: Sendable {
    struct Write: Sendable {
        let json: [UInt8]
        let final: Bool
    }

    struct Take: Sendable {
        let token: ResumeToken
        let user: String
        let reply: @Sendable (SessionLookup) -> Void
    }

    struct Queue {
        var writes: [ResumeToken: Write] = [:]
        var takes: [Take] = []
        /// Tokens of connected clients that have a record: refreshed until they leave.
        var live: Set<ResumeToken> = []
    }

    let commands: SessionCommands
    let redis: RedisEndpoint
    let metrics: PushMetrics
    let logger: Logger
    let queue = Mutex(Queue())
    let wake: WakePipe
    let worker = WorkerThread()
    /// Writes kept while Redis is away before the oldest are given up (a bound on memory).
    static let maximumPendingWrites = 200_000

    init(redis: RedisEndpoint, commands: SessionCommands, metrics: PushMetrics, logger: Logger) throws {
        self.redis = redis
        self.commands = commands
        self.metrics = metrics
        self.logger = logger
        wake = try WakePipe()
    }

    /// Stores `record` under `token` (a change of subscriptions, or with `final` the close).
    public func save(_ token: ResumeToken, _ record: SessionRecord, final: Bool) {
        let json = record.json
        let first = queue.withLock { queue -> Bool in
            if queue.writes.count >= Self.maximumPendingWrites, queue.writes[token] == nil { return false }
            let first = queue.writes.isEmpty && queue.takes.isEmpty
            // A close that supersedes a change not yet sent must still create the key.
            let create = queue.writes[token].map { !$0.final } ?? false
            queue.writes[token] = Write(json: json, final: final && !create)
            if final { queue.live.remove(token) } else { queue.live.insert(token) }
            return first
        }
        // Only the first write of a round wakes the thread (a subscribe storm costs loops
        // no system call per client); the pipe keeps a wake-up the thread has not taken yet.
        if first { wake.signal() }
    }

    /// Looks up and consumes the record of `token` for `user`; `reply` runs once, on the
    /// store's thread.
    public func take(_ token: ResumeToken, user: String, reply: @escaping @Sendable (SessionLookup) -> Void) {
        queue.withLock { $0.takes.append(Take(token: token, user: user, reply: reply)) }
        wake.signal()
    }

    func start() throws {
        try worker.start(name: "sessions") { [self] in
            var session = SessionWorker(store: self)
            session.run()
        }
    }

    /// Stops after writing what is queued (the close records of a shutdown's clients),
    /// so they can resume on another instance.
    func stop() {
        worker.stop()
    }
}
