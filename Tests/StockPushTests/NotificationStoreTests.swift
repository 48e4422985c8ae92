import Reactor
import Redis
import TestSupport
import Testing

@testable import StockPush

/// Users' notifications on a real Redis: the queue's order, cap, expiry and
/// all-or-nothing acks; the history's pages and read marks; who "everyone" is.
@Suite struct NotificationStoreTests {
    let connection: RedisConnection
    let store: NotificationStore

    init() throws {
        connection = try RedisConnection.connect(try RedisURL(TestEnvironment.redisURL))
        var limits = NotificationStore.Limits()
        limits.queueCap = 3
        limits.queueTTLMilliseconds = 60_000
        limits.historyCap = 4
        limits.historyTTLMilliseconds = 120_000
        store = NotificationStore(prefix: TestEnvironment.uniqueName("notify"), limits: limits)
    }

    var now: Int { Int(WallClock.nowMicroseconds() / 1000) }

    func enqueue(_ text: String, user: String = "alice") throws -> NotificationStore.Enqueued {
        try NotificationStore.enqueued(connection.command(store.enqueue(Array(text.utf8), user: user, nowMilliseconds: now)))
    }

    func pending(user: String = "alice", after: String? = nil, at time: Int? = nil) throws -> [NotificationStore.Entry] {
        try NotificationStore.entries(
            connection.command(store.pending(user: user, after: after, count: 100, nowMilliseconds: time ?? now)))
    }

    func bodies(_ entries: [NotificationStore.Entry]) -> [String] {
        entries.map { String(decoding: $0.body, as: UTF8.self) }
    }

    func ack(_ ids: [String], user: String = "alice") throws -> NotificationStore.Acked {
        try NotificationStore.acked(connection.command(store.ack(ids, user: user)))
    }

    func history(before: String? = nil, limit: Int = 10) throws -> NotificationStore.HistoryPage {
        try NotificationStore.historyPage(
            connection.command(store.history(user: "alice", before: before, limit: limit)), limit: limit)
    }

    @Test func queuedInOrderAndReadAfterAnId() throws {
        defer { connection.close() }
        let first = try enqueue("one")
        let second = try enqueue("two")
        #expect(first.dropped == 0 && second.dropped == 0 && first.id != second.id)
        #expect(bodies(try pending()) == ["one", "two"])
        #expect(try pending(after: first.id).map(\.id) == [second.id])
        #expect(try pending(user: "bob").isEmpty, "queues are per user")
        let ttl = try connection.command("PTTL", store.queueKey(user: "alice")).int ?? 0
        #expect(ttl > 0 && ttl <= 60_000, "the key expires with its entries")
    }

    @Test func theCapDropsTheOldestAndSaysHowMany() throws {
        defer { connection.close() }
        for text in ["1", "2", "3"] { _ = try enqueue(text) }
        let fourth = try enqueue("4")
        #expect(fourth.dropped == 1)
        #expect(bodies(try pending()) == ["2", "3", "4"])
    }

    @Test func entriesExpireByTheirOwnAge() throws {
        defer { connection.close() }
        _ = try enqueue("old")
        #expect(try pending(at: now + 60_001).isEmpty, "past the TTL, gone")
        #expect(try pending().isEmpty, "and removed, not just hidden")
        #expect(try history().total == 1, "the history keeps it longer")
    }

    @Test func anAckRemovesAllOrNothing() throws {
        defer { connection.close() }
        let a = try enqueue("a")
        let b = try enqueue("b")
        let c = try enqueue("c")
        let missing = "1-0"
        #expect(try ack([a.id, missing]) == .unknown(id: missing))
        #expect(try pending().count == 3, "nothing removed")
        #expect(try ack([a.id, c.id]) == .removed(2))
        #expect(try pending().map(\.id) == [b.id])
        #expect(try ack([a.id]) == .unknown(id: a.id))
        #expect(try history().total == 3, "acknowledged ones stay in the history")
    }

    @Test func theHistoryPagesNewestFirstAndCountsUnread() throws {
        defer { connection.close() }
        let ids = try ["h0", "h1", "h2", "h3", "h4"].map { try enqueue($0).id }
        let first = try history(limit: 3)
        #expect(first.entries.map(\.id) == [ids[4], ids[3], ids[2]] && first.next == ids[2])
        #expect(first.total == 4 && first.unread == 4, "capped at 4: h0 is gone")
        let second = try history(before: first.next, limit: 3)
        #expect(second.entries.map(\.id) == [ids[1]] && second.next == nil)
        #expect(try NotificationStore.markedRead(connection.command(store.markRead(ids[3], user: "alice"))) == true)
        #expect(try NotificationStore.markedRead(connection.command(store.markRead(ids[3], user: "alice"))) == false)
        #expect(try NotificationStore.markedRead(connection.command(store.markRead(ids[0], user: "alice"))) == nil)
        let after = try history(limit: 2)
        #expect(after.unread == 3 && after.entries.map(\.read) == [false, true])
        #expect(try pending().first { $0.id == ids[3] }?.read == true, "a catch-up says it was read")
    }

    @Test func everyoneIsWhoTookNotificationsWithinTheTTL() throws {
        defer { connection.close() }
        _ = try pending(user: "gus")
        _ = try pending(user: "hana", at: now - 30_000)
        let users = try NotificationStore.users(connection.command(store.everyone(nowMilliseconds: now)))
        #expect(users.sorted() == ["gus", "hana"])
        let later = try NotificationStore.users(connection.command(store.everyone(nowMilliseconds: now + 45_000)))
        #expect(later == ["gus"], "hana was seen too long ago")
    }
}
