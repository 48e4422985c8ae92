import Redis

/// A user's history (`GET /api/notifications`), read marks (`POST …/read`) and the
/// users a send to everyone reaches.
extension NotificationStore {
    /// A page of a user's history, newest first.
    public struct HistoryPage: Equatable, Sendable {
        public var entries: [Entry]
        /// How many of the whole history are unread, and how long it is.
        public var unread: Int
        public var total: Int
        /// The id to pass as `before` for the next page; nil on the last one.
        public var next: String?
    }

    /// One EVAL: up to `limit` entries older than `before` (nil: the newest), plus one to
    /// know whether a next page exists.
    public func history(user: String, before: String?, limit: Int) -> [[UInt8]] {
        Self.eval(
            NotificationScripts.history, keys: [historyKey(user: user), readKey(user: user)],
            [Array((before.map { "(" + $0 } ?? "+").utf8), bytes(limit + 1)])
    }

    public static func historyPage(_ reply: RedisValue, limit: Int) throws(RedisError) -> HistoryPage {
        guard let parts = reply.array, parts.count == 3, let unread = parts[1].int, let total = parts[2].int else {
            throw .unexpectedReply(expected: "[entries, unread, total]", got: reply.kind)
        }
        let entries = try entries(parts[0])
        let page = Array(entries.prefix(limit))
        return HistoryPage(
            entries: page, unread: unread, total: total, next: entries.count > limit ? page.last?.id : nil)
    }

    /// One EVAL: marks `id` read. Its reply: see `markedRead`.
    public func markRead(_ id: String, user: String) -> [[UInt8]] {
        Self.eval(
            NotificationScripts.markRead, keys: [historyKey(user: user), readKey(user: user)],
            [Array(id.utf8), bytes(limits.historyTTLMilliseconds), bytes(limits.historyCap)])
    }

    /// Nil: the history holds no such notification; else whether it was unread until now.
    public static func markedRead(_ reply: RedisValue) throws(RedisError) -> Bool? {
        guard let result = reply.int else { throw .unexpectedReply(expected: "an integer", got: reply.kind) }
        return result < 0 ? nil : result == 1
    }

    /// The users who took notifications within the queue's TTL: "everyone".
    public func everyone(nowMilliseconds: Int) -> [[UInt8]] {
        [
            Array("ZRANGEBYSCORE".utf8), Array(usersKey.utf8),
            bytes(nowMilliseconds - limits.queueTTLMilliseconds), Array("+inf".utf8),
        ]
    }

    public static func users(_ reply: RedisValue) throws(RedisError) -> [String] {
        guard let items = reply.array else { throw .unexpectedReply(expected: "a list of users", got: reply.kind) }
        return items.compactMap(\.string)
    }
}
