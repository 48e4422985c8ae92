import Reactor
import Redis

/// The notifications' Redis side, off the loops: every call is a job on the
/// `RedisWorker` (hiredis blocks) answering through its completion, from the worker's
/// thread. A send queues first and only then goes out live (`LocalAdmin.notify` on every
/// instance), so what a user was sent is in their queue until they acknowledge it.
public final class NotificationService: Sendable {
    let store: NotificationStore
    let redis: RedisWorker
    let metrics: NotificationMetrics

    init(store: NotificationStore, redis: RedisWorker, metrics: NotificationMetrics) {
        self.store = store
        self.redis = redis
        self.metrics = metrics
    }

    /// Queues `body` for each user (in one pipeline): each user's id and how many older
    /// ones the cap pushed out. All or nothing as far as the caller knows: a failure is
    /// an error, even if some users' queues took it.
    func enqueue(
        _ body: [UInt8], users: [String], completion: @escaping @Sendable (Result<[Queued], RedisJobError>) -> Void
    ) {
        let store = store
        let metrics = metrics
        redis.submit(
            { connection throws(RedisError) -> [Queued] in
                let now = Self.nowMilliseconds()
                let replies = try connection.pipeline(users.map { store.enqueue(body, user: $0, nowMilliseconds: now) })
                var queued: [Queued] = []
                queued.reserveCapacity(users.count)
                for (user, reply) in zip(users, replies) {
                    if case .error(let message) = reply { throw .server(message) }
                    let enqueued = try NotificationStore.enqueued(reply)
                    queued.append(Queued(user: user, id: enqueued.id, dropped: enqueued.dropped))
                }
                metrics.queued.add(queued.count)
                metrics.dropped.add(queued.reduce(0) { $0 + $1.dropped })
                return queued
            }, completion: counted(completion))
    }

    struct Queued: Sendable, Equatable {
        var user: String
        var id: String
        var dropped: Int
    }

    /// The users a send to everyone reaches.
    func everyone(completion: @escaping @Sendable (Result<[String], RedisJobError>) -> Void) {
        let store = store
        redis.submit(
            { connection throws(RedisError) in
                try NotificationStore.users(connection.command(store.everyone(nowMilliseconds: Self.nowMilliseconds())))
            }, completion: counted(completion))
    }

    /// The user's queue, oldest first (at most the cap), for a connection catching up.
    func pending(user: String, completion: @escaping @Sendable (Result<[NotificationStore.Entry], RedisJobError>) -> Void) {
        let store = store
        redis.submit(
            { connection throws(RedisError) in
                let command = store.pending(user: user, count: store.limits.queueCap, nowMilliseconds: Self.nowMilliseconds())
                return try NotificationStore.entries(connection.command(command))
            }, completion: counted(completion))
    }

    func ack(
        _ ids: [String], user: String, completion: @escaping @Sendable (Result<NotificationStore.Acked, RedisJobError>) -> Void
    ) {
        let store = store
        let metrics = metrics
        redis.submit(
            { connection throws(RedisError) in
                let acked = try NotificationStore.acked(connection.command(store.ack(ids, user: user)))
                if case .removed(let count) = acked { metrics.acknowledged.add(count) }
                return acked
            }, completion: counted(completion))
    }

    func history(
        user: String, before: String?, limit: Int,
        completion: @escaping @Sendable (Result<NotificationStore.HistoryPage, RedisJobError>) -> Void
    ) {
        let store = store
        redis.submit(
            { connection throws(RedisError) in
                try NotificationStore.historyPage(
                    connection.command(store.history(user: user, before: before, limit: limit)), limit: limit)
            }, completion: counted(completion))
    }

    /// Nil: no such notification in the user's history; else whether it was unread.
    func markRead(_ id: String, user: String, completion: @escaping @Sendable (Result<Bool?, RedisJobError>) -> Void) {
        let store = store
        redis.submit(
            { connection throws(RedisError) in
                try NotificationStore.markedRead(connection.command(store.markRead(id, user: user)))
            },
            completion: counted(completion))
    }

    /// Counts the failures for `/metrics`.
    private func counted<R>(
        _ completion: @escaping @Sendable (Result<R, RedisJobError>) -> Void
    ) -> @Sendable (Result<R, RedisJobError>) -> Void {
        let metrics = metrics
        return { result in
            if case .failure = result { metrics.failures.add(1) }
            completion(result)
        }
    }

    static func nowMilliseconds() -> Int { Int(WallClock.nowMicroseconds() / 1000) }
}
