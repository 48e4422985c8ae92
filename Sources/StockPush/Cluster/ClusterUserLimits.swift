import Reactor
import Redis
import Synchronization
import Telemetry

/// The cluster-wide per-user connection limit: a thread of its own asks Redis (blocking
/// hiredis, never on an event loop) whether a user may open one more connection, writes
/// back what this instance holds when a connection closes, and renews its hash's lease
/// each heartbeat. The whole hash is rewritten from the local counts only after an
/// outage and every `rewriteEvery` beats (rewriting 19,900 users every second was 92 %
/// of Redis's time at 1M clients, docs/capacity.md). Requests queue here; answers go to a callback the
/// caller makes hop back to its loop.
///
/// While Redis is down or slow every question is answered `unavailable` at once (the
/// route then applies the local limit alone); the outage is logged once, and the
/// heartbeat, which keeps trying, brings the cluster count back.
public final class ClusterUserLimits: Sendable {
    public enum Verdict: Sendable, Equatable {
        case admitted
        /// At the limit: `others` connections are held by other live instances.
        case refused(others: Int)
        case unavailable
    }

    private enum Job {
        case reserve(user: String, reply: @Sendable (Verdict) -> Void)
        case release(user: String)
    }

    let script: ClusterLimitScript
    private let redis: RedisEndpoint
    private let local: ConnectionLimits
    private let heartbeatMilliseconds: Int
    /// A full rewrite every this many heartbeats heals any drift the writes missed.
    static let rewriteEvery = 20
    private let logger: Logger
    private let jobs = Mutex<[Job]>([])
    private let wake: WakePipe
    private let worker = WorkerThread()

    init(
        redis: RedisEndpoint, script: ClusterLimitScript, local: ConnectionLimits, heartbeatMilliseconds: Int, logger: Logger
    ) throws {
        self.redis = redis
        self.script = script
        self.local = local
        self.heartbeatMilliseconds = max(10, heartbeatMilliseconds)
        self.logger = logger
        wake = try WakePipe()
    }

    /// Asks whether `user` (already counted in the local limits) may hold one more
    /// connection cluster-wide; `reply` runs once, on the worker thread.
    public func reserve(user: String, reply: @escaping @Sendable (Verdict) -> Void) {
        enqueue(.reserve(user: user, reply: reply))
    }

    /// One of `user`'s connections here is gone (already released locally).
    public func release(user: String) {
        enqueue(.release(user: user))
    }

    private func enqueue(_ job: Job) {
        jobs.withLock { $0.append(job) }
        wake.signal()
    }

    func start() throws {
        try worker.start(name: "cluster-limits") { [self] in
            var session = Session(owner: self)
            session.run()
        }
    }

    /// Stops the thread and removes this instance's counts at once (a clean stop need
    /// not wait for the lease to run out).
    func stop() {
        worker.stop()
        if let connection = try? redis.connectPrimary(timeoutSeconds: 0.5) {
            _ = try? connection.command(["DEL", script.ownKey].map { Array($0.utf8) })
            connection.close()
        }
    }

    /// The worker thread's state: its connection and whether Redis is in an outage.
    private struct Session {
        let owner: ClusterUserLimits
        var connection: RedisConnection?
        var down = false
        /// Beats since the last full rewrite; nil when the next beat must rewrite.
        var beatsSinceRewrite: Int?

        init(owner: ClusterUserLimits) { self.owner = owner }

        mutating func run() {
            var nextBeat = MonotonicClock.now()
            let interval = UInt64(owner.heartbeatMilliseconds) * 1_000_000
            while !owner.worker.isStopping {
                let now = MonotonicClock.now()
                if now >= nextBeat {
                    heartbeat()
                    nextBeat = max(nextBeat &+ interval, now)
                }
                let waiting = owner.jobs.withLock { $0.isEmpty }
                if waiting {
                    // Short naps at most, so a stop is seen quickly.
                    let untilBeat = (nextBeat &- min(nextBeat, MonotonicClock.now())) / 1_000_000
                    owner.wake.wait(milliseconds: Int32(min(50, untilBeat)))
                }
                let batch = owner.jobs.withLock { jobs in
                    defer { jobs.removeAll(keepingCapacity: true) }
                    return jobs
                }
                for job in batch { perform(job) }
            }
            connection?.close()
        }

        private mutating func perform(_ job: Job) {
            switch job {
            case .reserve(let user, let reply):
                // In an outage questions are not queued behind a dead server: the heartbeat probes.
                guard !down else { return reply(.unavailable) }
                let count = owner.local.count(user: user)
                let command = owner.script.reserve(
                    user: user, limit: owner.local.maxPerUser, localCount: max(1, count),
                    nowMilliseconds: WallClock.nowMicroseconds() / 1000)
                guard let answer = attempt({ try $0.command(command) }) else { return reply(.unavailable) }
                do {
                    let verdict = try ClusterLimitScript.verdict(answer)
                    reply(verdict.admitted ? .admitted : .refused(others: verdict.others))
                } catch {
                    owner.logger.warning("cluster limits: \(error); using the local count")
                    reply(.unavailable)
                }
            case .release(let user):
                guard !down else { return }  // the first heartbeat after the outage writes the truth
                let commands = owner.script.release(user: user, localCount: owner.local.count(user: user))
                _ = attempt { try $0.transaction(commands) }
            }
        }

        private mutating func heartbeat() {
            guard let beats = beatsSinceRewrite, beats + 1 < ClusterUserLimits.rewriteEvery else {
                let commands = owner.script.heartbeat(owner.local.users)
                if attempt({ try $0.transaction(commands) }) != nil { beatsSinceRewrite = 0 }
                return
            }
            let renewal = owner.script.renewal
            if attempt({ try $0.command(renewal) }) != nil { beatsSinceRewrite = beats + 1 }
        }

        /// Runs `body` on a live connection; nil (and an outage begins) if Redis fails.
        private mutating func attempt<R>(_ body: (RedisConnection) throws -> R) -> R? {
            do {
                if connection == nil || connection?.isConnected == false {
                    connection?.close()
                    connection = try owner.redis.connectPrimary(timeoutSeconds: 0.4)
                }
                guard let connection else { return nil }
                let result = try body(connection)
                if down {
                    down = false
                    owner.logger.info(
                        "cluster limits: Redis at \(owner.redis) is back; per-user limits are cluster-wide again")
                }
                return result
            } catch {
                connection?.close()
                connection = nil
                if !down {
                    down = true
                    beatsSinceRewrite = nil
                    owner.logger.warning(
                        "cluster limits: Redis at \(owner.redis) unavailable (\(error)); per-user limits are per instance until it is back"
                    )
                }
                return nil
            }
        }
    }
}
