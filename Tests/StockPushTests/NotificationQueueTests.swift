import Reactor
import Redis
import TestSupport
import Testing

@testable import StockPush

/// Users' offline queues on a real Redis: order, cap, expiry, all-or-nothing acks.
@Suite struct NotificationQueueTests {
    let connection: RedisConnection
    let queue: NotificationQueue

    init() throws {
        connection = try RedisConnection.connect(try RedisURL(TestEnvironment.redisURL))
        queue = NotificationQueue(prefix: TestEnvironment.uniqueName("notify"), cap: 3, ttlMilliseconds: 60_000)
    }

    var now: Int { Int(WallClock.nowMicroseconds() / 1000) }

    func enqueue(_ text: String, user: String = "alice") throws -> NotificationQueue.Enqueued {
        try NotificationQueue.enqueued(connection.command(queue.enqueue(Array(text.utf8), user: user, nowMilliseconds: now)))
    }

    func pending(user: String = "alice", after: String? = nil, at time: Int? = nil) throws -> [(id: String, body: String)] {
        let replies = try connection.transaction(
            queue.pending(user: user, after: after, count: 100, nowMilliseconds: time ?? now))
        return try NotificationQueue.entries(replies).map { ($0.id, String(decoding: $0.body, as: UTF8.self)) }
    }

    @Test func queuedInOrderAndReadAfterAnId() throws {
        defer { connection.close() }
        let first = try enqueue("one")
        let second = try enqueue("two")
        #expect(first.dropped == 0 && second.dropped == 0 && first.id != second.id)
        #expect(try pending().map(\.body) == ["one", "two"])
        #expect(try pending(after: first.id).map(\.id) == [second.id])
        #expect(try pending(user: "bob").isEmpty, "queues are per user")
        let ttl = try connection.command("PTTL", queue.key(user: "alice")).int ?? 0
        #expect(ttl > 0 && ttl <= 60_000, "the key expires with its entries")
    }

    @Test func theCapDropsTheOldestAndSaysHowMany() throws {
        defer { connection.close() }
        for text in ["1", "2", "3"] { _ = try enqueue(text) }
        let fourth = try enqueue("4")
        #expect(fourth.dropped == 1)
        #expect(try pending().map(\.body) == ["2", "3", "4"])
    }

    @Test func entriesExpireByTheirOwnAge() throws {
        defer { connection.close() }
        _ = try enqueue("old")
        #expect(try pending(at: now + 60_001).isEmpty, "past the TTL, gone")
        #expect(try pending().isEmpty, "and removed, not just hidden")
    }

    @Test func anAckRemovesAllOrNothing() throws {
        defer { connection.close() }
        let a = try enqueue("a")
        let b = try enqueue("b")
        let c = try enqueue("c")
        let missing = "1-0"
        #expect(
            try NotificationQueue.acked(connection.command(queue.ack([a.id, missing], user: "alice"))) == .unknown(id: missing))
        #expect(try pending().count == 3, "nothing removed")
        #expect(try NotificationQueue.acked(connection.command(queue.ack([a.id, c.id], user: "alice"))) == .removed(2))
        #expect(try pending().map(\.id) == [b.id])
        #expect(try NotificationQueue.acked(connection.command(queue.ack([a.id], user: "alice"))) == .unknown(id: a.id))
    }
}
