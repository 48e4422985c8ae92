import Redis

/// Where notifications live in Redis, per user: the offline queue `P:notify:q:<user>`
/// (a stream, capped at `cap` entries — the oldest dropped, and counted — and each
/// entry expiring `ttl` after it was queued; an entry leaves only when acknowledged, so
/// a crash between send and ack redelivers instead of losing), the history
/// `P:notify:h:<user>` (the same entries under the same ids, kept for paging whether
/// acknowledged or not), the read marks `P:notify:r:<user>`, and `P:notify:users`, who
/// connected when (the "everyone" of a send).
///
/// Pure: builds the commands and reads their replies; the caller runs them on a thread
/// that may block (`RedisWorker`), and the tests run them on a real Redis.
public struct NotificationStore: Sendable {
    public struct Limits: Sendable, Equatable {
        public var queueCap = 1000
        public var queueTTLMilliseconds = 7 * 86_400_000
        public var historyCap = 500
        public var historyTTLMilliseconds = 30 * 86_400_000
        public init() {}
    }

    public let prefix: String
    public let limits: Limits

    public init(prefix: String, limits: Limits) {
        precondition(limits.queueCap > 0 && limits.queueTTLMilliseconds > 0 && limits.historyCap > 0)
        self.prefix = prefix
        var limits = limits
        // The history outlives the queue: a queued id is always one the history gave out.
        limits.historyTTLMilliseconds = max(limits.historyTTLMilliseconds, limits.queueTTLMilliseconds)
        self.limits = limits
    }

    public func queueKey(user: String) -> String { "\(prefix):notify:q:\(user)" }
    public func historyKey(user: String) -> String { "\(prefix):notify:h:\(user)" }
    public func readKey(user: String) -> String { "\(prefix):notify:r:\(user)" }
    public var usersKey: String { "\(prefix):notify:users" }

    /// What an enqueue did: the notification's id and how many older entries the cap
    /// pushed out of the queue.
    public struct Enqueued: Equatable, Sendable {
        public var id: String
        public var dropped: Int
    }

    /// One queued entry as a catch-up delivers it.
    public struct Entry: Equatable, Sendable {
        public var id: String
        public var body: [UInt8]
        public var read: Bool
    }

    /// What an acknowledgement did: every id was queued and is gone now, or one was not
    /// (unknown, already acknowledged, or expired) and nothing was removed.
    public enum Acked: Equatable, Sendable {
        case removed(Int)
        case unknown(id: String)
    }

    /// One EVAL: add `body` to the history, then under the same id to the queue (expired
    /// entries out first, the cap applied, both keys' TTLs renewed).
    public func enqueue(_ body: [UInt8], user: String, nowMilliseconds: Int) -> [[UInt8]] {
        Self.eval(
            NotificationScripts.enqueue, keys: [queueKey(user: user), historyKey(user: user)],
            [
                body, bytes(limits.queueCap), bytes(limits.queueTTLMilliseconds), Array(minimumID(nowMilliseconds).utf8),
                bytes(limits.historyCap), bytes(limits.historyTTLMilliseconds),
            ])
    }

    public static func enqueued(_ reply: RedisValue) throws(RedisError) -> Enqueued {
        guard let parts = reply.array, parts.count == 2, let id = parts[0].string, let dropped = parts[1].int else {
            throw .unexpectedReply(expected: "[id, dropped]", got: reply.kind)
        }
        return Enqueued(id: id, dropped: dropped)
    }

    /// One EVAL, run when a user's connection starts taking notifications: note the user
    /// as seen, drop expired entries, then up to `count` entries after `after`
    /// (exclusive; nil: from the oldest), in order, each with its read mark.
    public func pending(user: String, after: String? = nil, count: Int, nowMilliseconds: Int) -> [[UInt8]] {
        Self.eval(
            NotificationScripts.pending, keys: [queueKey(user: user), readKey(user: user), usersKey],
            [
                Array(minimumID(nowMilliseconds).utf8), Array((after.map { "(" + $0 } ?? "-").utf8), bytes(count),
                Array(user.utf8), bytes(nowMilliseconds), bytes(nowMilliseconds - limits.queueTTLMilliseconds),
            ])
    }

    public static func entries(_ reply: RedisValue) throws(RedisError) -> [Entry] {
        guard let items = reply.array else { throw .unexpectedReply(expected: "a list of entries", got: reply.kind) }
        var entries: [Entry] = []
        entries.reserveCapacity(items.count)
        for item in items {
            guard let parts = item.array, parts.count == 3, let id = parts[0].string, let body = parts[1].bytes,
                let read = parts[2].int
            else { throw .unexpectedReply(expected: "[id, body, read]", got: item.kind) }
            entries.append(Entry(id: id, body: body, read: read == 1))
        }
        return entries
    }

    /// One EVAL: removes `ids` only if every one of them is queued (ids must pass
    /// `NotificationID.isValid`: the script hands them to XRANGE).
    public func ack(_ ids: [String], user: String) -> [[UInt8]] {
        Self.eval(NotificationScripts.ack, keys: [queueKey(user: user)], ids.map { Array($0.utf8) })
    }

    public static func acked(_ reply: RedisValue) throws(RedisError) -> Acked {
        guard let parts = reply.array, parts.count == 2, let removed = parts[0].int else {
            throw .unexpectedReply(expected: "[removed, missing id]", got: reply.kind)
        }
        if let missing = parts[1].string, !missing.isEmpty { return .unknown(id: missing) }
        return .removed(removed)
    }

    /// Entries queued before this id are past their TTL.
    func minimumID(_ nowMilliseconds: Int) -> String { "\(max(0, nowMilliseconds - limits.queueTTLMilliseconds))-0" }

    func bytes(_ number: Int) -> [UInt8] { Array(String(number).utf8) }

    static func eval(_ script: String, keys: [String], _ arguments: [[UInt8]]) -> [[UInt8]] {
        [Array("EVAL".utf8), Array(script.utf8), Array(String(keys.count).utf8)] + keys.map { Array($0.utf8) } + arguments
    }
}
