import PushCore
import PushProtocol
import Reactor
import Redis
import Telemetry

/// The store's thread: its connection, the outage state and the refresh timetable.
struct SessionWorker {
    let store: SessionStore
    var connection: RedisConnection?
    var down = false
    /// While down, the next instant (monotonic ns) a reconnect may be tried.
    var retryAt: UInt64 = 0

    init(store: SessionStore) { self.store = store }

    /// A third of the TTL: a live key is refreshed twice before it could expire.
    var refreshInterval: UInt64 { UInt64(max(100, store.commands.ttlMilliseconds / 3)) * 1_000_000 }

    mutating func run() {
        var nextRefresh = MonotonicClock.now() &+ refreshInterval
        while !store.worker.isStopping {
            let idle = store.queue.withLock { $0.writes.isEmpty && $0.takes.isEmpty }
            // While down, writes wait in the queue: nap instead of spinning over them.
            if idle || down { store.wake.wait(milliseconds: 50) }
            round()
            let now = MonotonicClock.now()
            if now >= nextRefresh {
                refresh()
                nextRefresh = now &+ refreshInterval
            }
        }
        round()  // the last writes of a shutdown
        connection?.close()
    }

    /// Sends the waiting writes in one pipeline, then answers the waiting lookups. While
    /// Redis is down and no reconnect is due, writes stay queued and lookups fail at once.
    private mutating func round() {
        let holdWrites = down && MonotonicClock.now() < retryAt
        let (writes, takes) = store.queue.withLock { queue in
            defer {
                if !holdWrites { queue.writes.removeAll(keepingCapacity: true) }
                queue.takes.removeAll(keepingCapacity: true)
            }
            return (holdWrites ? [:] : queue.writes, queue.takes)
        }
        // Writes first: a client that left and resumes at once on this instance finds
        // the record its close wrote.
        if !writes.isEmpty { write(writes) }
        if !takes.isEmpty { answer(takes) }
    }

    private mutating func answer(_ takes: [SessionStore.Take]) {
        let commands = takes.map { store.commands.take($0.token, user: $0.user) }
        guard let replies = attempt({ try $0.pipeline(commands) }) else {
            for take in takes { take.reply(.unavailable) }
            return
        }
        for (take, reply) in zip(takes, replies) {
            if case .error(let message) = reply {
                store.logger.warning("sessions: resume lookup failed: \(message)")
                take.reply(.unavailable)
            } else {
                take.reply(SessionCommands.lookup(reply))
            }
        }
    }

    private mutating func write(_ writes: [ResumeToken: SessionStore.Write]) {
        let batch = Array(writes)
        let commands = batch.map { store.commands.write($0.key, json: $0.value.json, final: $0.value.final) }
        guard let replies = attempt({ try $0.pipeline(commands) }) else {
            store.metrics.sessionWriteFailures.add(batch.count)
            // Kept for the next try unless a newer record of the same token came meanwhile.
            store.queue.withLock { queue in
                for (token, write) in batch
                where queue.writes[token] == nil
                    && queue.writes.count < SessionStore.maximumPendingWrites
                {
                    queue.writes[token] = write
                }
            }
            return
        }
        let failed = replies.filter { if case .error = $0 { true } else { false } }.count
        store.metrics.sessionWrites.add(batch.count - failed)
        if failed > 0 {
            store.metrics.sessionWriteFailures.add(failed)
            store.logger.warning("sessions: \(failed) of \(batch.count) record writes refused by Redis")
        }
    }

    /// PEXPIRE of every live session's key, in pipelines of a thousand.
    private mutating func refresh() {
        let live = store.queue.withLock { $0.live }
        var tokens = live.makeIterator()
        while true {
            var chunk: [[[UInt8]]] = []
            while chunk.count < 1000, let token = tokens.next() { chunk.append(store.commands.refresh(token)) }
            if chunk.isEmpty { return }
            guard attempt({ try $0.pipeline(chunk) }) != nil else { return }
            store.metrics.sessionWrites.add(chunk.count)
        }
    }

    /// Runs `body` on a live connection; nil (an outage begins, or goes on) if Redis
    /// fails. While down, a reconnect is tried at most once a second.
    private mutating func attempt<R>(_ body: (RedisConnection) throws -> R) -> R? {
        if down && MonotonicClock.now() < retryAt { return nil }
        do {
            if connection == nil || connection?.isConnected == false {
                connection?.close()
                connection = try store.redis.connectPrimary(timeoutSeconds: 0.5)
            }
            guard let connection else { return nil }
            let result = try body(connection)
            if down {
                down = false
                store.logger.info("sessions: Redis at \(store.redis) is back; sessions are written and resumed again")
            }
            return result
        } catch {
            connection?.close()
            connection = nil
            retryAt = MonotonicClock.now() &+ 1_000_000_000
            if !down {
                down = true
                store.logger.warning(
                    "sessions: Redis at \(store.redis) unavailable (\(error)); resume answers resume_unavailable until it is back"
                )
            }
            return nil
        }
    }
}
