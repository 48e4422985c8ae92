import TestSupport
import Testing

@testable import StockPush

@Suite struct PendingTableTests {
    typealias Table = PendingTable<Int, String>
    let clock = ManualClock()

    private func deadline(after seconds: Double) -> UInt64 { clock.nanoseconds() + UInt64(seconds * 1e9) }

    @Test func completesWhenEveryExpectedInstanceAnswered() throws {
        var table = Table()
        #expect(table.add(requestID: "r1", expected: ["a", "b"], deadline: deadline(after: 2), waiter: "w") == nil)
        #expect(table.receive(requestID: "r1", from: "b", reply: 2) == nil)
        let received = table.receive(requestID: "r1", from: "a", reply: 1)
        let done = try #require(received)
        #expect(done.replies.map(\.instance) == ["a", "b"] && done.replies.map(\.reply) == [1, 2])
        #expect(done.missing.isEmpty && done.waiter == "w" && table.count == 0)
    }

    @Test func aRepeatedReplyIsNeverCountedTwice() throws {
        var table = Table()
        _ = table.add(requestID: "r", expected: ["a", "b"], deadline: deadline(after: 2), waiter: "w")
        #expect(table.receive(requestID: "r", from: "a", reply: 5) == nil)
        #expect(table.receive(requestID: "r", from: "a", reply: 5) == nil)
        let received = table.receive(requestID: "r", from: "b", reply: 1)
        let done = try #require(received)
        #expect(done.replies.map(\.reply) == [5, 1])
        #expect(table.receive(requestID: "r", from: "b", reply: 1) == nil)  // late: already answered
    }

    @Test func theDeadlineReturnsWhatCameWithTheMissing() throws {
        var table = Table()
        _ = table.add(requestID: "r1", expected: ["a", "b", "c"], deadline: deadline(after: 2), waiter: "one")
        _ = table.add(requestID: "r2", expected: ["a"], deadline: deadline(after: 5), waiter: "two")
        _ = table.receive(requestID: "r1", from: "a", reply: 1)
        #expect(table.nextDeadline == deadline(after: 2))
        clock.advance(seconds: 1.999)
        #expect(table.expire(now: clock.nanoseconds()).isEmpty)
        clock.advance(seconds: 0.001)
        let expired = table.expire(now: clock.nanoseconds())
        #expect(expired.map(\.requestID) == ["r1"])
        #expect(expired.first?.missing == ["b", "c"] && expired.first?.replies.map(\.instance) == ["a"])
        #expect(table.receive(requestID: "r1", from: "b", reply: 2) == nil)
        #expect(table.count == 1)
    }

    @Test func anInstanceThatJoinedLateIsKeptAndNobodyExpectedCompletesAtOnce() throws {
        var table = Table()
        _ = table.add(requestID: "r", expected: ["a"], deadline: deadline(after: 2), waiter: "w")
        #expect(table.receive(requestID: "r", from: "new", reply: 9) == nil)
        let received = table.receive(requestID: "r", from: "a", reply: 1)
        let done = try #require(received)
        #expect(done.replies.map(\.instance) == ["a", "new"])
        let added = table.add(requestID: "e", expected: [], deadline: deadline(after: 2), waiter: "x")
        let empty = try #require(added)
        #expect(empty.replies.isEmpty && empty.missing.isEmpty && table.count == 0)
    }

    @Test func anUnknownRequestIsIgnored() {
        var table = Table()
        #expect(table.receive(requestID: "nobody-asked", from: "a", reply: 1) == nil)
        #expect(table.count == 0)
    }
}
