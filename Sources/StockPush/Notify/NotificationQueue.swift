import Redis

/// Each user's offline queue: a Redis stream `P:notify:<user>` of stored notification
/// bodies (`Notification.body`), capped at `cap` entries (the oldest dropped, and
/// counted) and expiring `ttlMilliseconds` after they were queued (per entry, by stream
/// id time; the key goes with its last entry). An entry leaves only when the user
/// acknowledges it, so a crash between send and ack redelivers instead of losing it.
///
/// Pure: builds the commands and reads their replies; the caller runs them on a thread
/// that may block (hiredis), and the tests run them on a real Redis.
public struct NotificationQueue: Sendable {
    public let prefix: String
    public let cap: Int
    public let ttlMilliseconds: Int

    public init(prefix: String, cap: Int, ttlMilliseconds: Int) {
        precondition(cap > 0 && ttlMilliseconds > 0)
        self.prefix = prefix
        self.cap = cap
        self.ttlMilliseconds = ttlMilliseconds
    }

    public func key(user: String) -> String { "\(prefix):notify:\(user)" }

    /// What an enqueue did: the entry's id (the notification's id) and how many older
    /// entries the cap pushed out.
    public struct Enqueued: Equatable, Sendable {
        public var id: String
        public var dropped: Int
    }

    /// What an acknowledgement did: every id was queued and is gone now, or one was not
    /// (unknown, already acknowledged, or expired) and nothing was removed.
    public enum Acked: Equatable, Sendable {
        case removed(Int)
        case unknown(id: String)
    }

    /// One EVAL: expire old entries, append `body`, trim to the cap, renew the key's TTL.
    public func enqueue(_ body: [UInt8], user: String, nowMilliseconds: Int) -> [[UInt8]] {
        [
            Array("EVAL".utf8), Array(Self.enqueueScript.utf8), Array("1".utf8), Array(key(user: user).utf8), body,
            Array(String(cap).utf8), Array(String(ttlMilliseconds).utf8), Array(minimumID(nowMilliseconds).utf8),
        ]
    }

    public static func enqueued(_ reply: RedisValue) throws(RedisError) -> Enqueued {
        guard let parts = reply.array, parts.count == 2, let id = parts[0].string, let dropped = parts[1].int else {
            throw .unexpectedReply(expected: "[id, dropped]", got: reply.kind)
        }
        return Enqueued(id: id, dropped: dropped)
    }

    /// A transaction: drop expired entries, then up to `count` entries after `after`
    /// (exclusive; nil: from the oldest), in order.
    public func pending(user: String, after: String? = nil, count: Int, nowMilliseconds: Int) -> [[[UInt8]]] {
        let key = Array(key(user: user).utf8)
        let start = after.map { "(" + $0 } ?? "-"
        return [
            [Array("XTRIM".utf8), key, Array("MINID".utf8), Array(minimumID(nowMilliseconds).utf8)],
            [Array("XRANGE".utf8), key, Array(start.utf8), Array("+".utf8), Array("COUNT".utf8), Array(String(count).utf8)],
        ]
    }

    public static func entries(_ replies: [RedisValue]) throws(RedisError) -> [(id: String, body: [UInt8])] {
        guard replies.count == 2, let items = replies[1].array else {
            throw .unexpectedReply(expected: "trimmed count and entries", got: "\(replies.map(\.kind))")
        }
        var entries: [(id: String, body: [UInt8])] = []
        for item in items {
            // [id, [field, value]]: the one field `n` holds the body.
            guard let pair = item.array, pair.count == 2, let id = pair[0].string, let fields = pair[1].array,
                fields.count == 2, let body = fields[1].bytes
            else { throw .unexpectedReply(expected: "a stream entry [id, [n, body]]", got: item.kind) }
            entries.append((id, body))
        }
        return entries
    }

    /// One EVAL: removes `ids` only if every one of them is queued (ids must pass
    /// `NotificationID.isValid`: the script hands them to XRANGE).
    public func ack(_ ids: [String], user: String) -> [[UInt8]] {
        [Array("EVAL".utf8), Array(Self.ackScript.utf8), Array("1".utf8), Array(key(user: user).utf8)]
            + ids.map { Array($0.utf8) }
    }

    public static func acked(_ reply: RedisValue) throws(RedisError) -> Acked {
        guard let parts = reply.array, parts.count == 2, let removed = parts[0].int else {
            throw .unexpectedReply(expected: "[removed, missing id]", got: reply.kind)
        }
        if let missing = parts[1].string, !missing.isEmpty { return .unknown(id: missing) }
        return .removed(removed)
    }

    /// Entries queued before this id are past their TTL.
    func minimumID(_ nowMilliseconds: Int) -> String { "\(max(0, nowMilliseconds - ttlMilliseconds))-0" }

    /// KEYS[1] stream; ARGV body, cap, ttl ms, min id. Exact MAXLEN: the cap is a promise.
    static let enqueueScript = """
        redis.call('XTRIM', KEYS[1], 'MINID', ARGV[4])
        local before = redis.call('XLEN', KEYS[1])
        local id = redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[2], '*', 'n', ARGV[1])
        local after = redis.call('XLEN', KEYS[1])
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        return {id, before + 1 - after}
        """

    /// KEYS[1] stream; ARGV ids. All or nothing: the first id not queued is returned.
    static let ackScript = """
        for _, id in ipairs(ARGV) do
            if #redis.call('XRANGE', KEYS[1], id, id) == 0 then return {0, id} end
        end
        return {redis.call('XDEL', KEYS[1], unpack(ARGV)), ''}
        """
}
