import Market
import PushCore
import Reactor
import Synchronization
import Testing

@testable import StockPush

@Suite struct TickMailboxTests {
    func tick(_ number: Int64, _ changed: [String], startedAt: UInt64) -> TickUpdate {
        TickUpdate(tick: number, timestamp: number * 1000, changed: changed, board: .empty, startedAt: startedAt)
    }

    @Test func mergingKeepsEveryChangedStockAndTheNewestPrices() {
        let merged = TickMailbox.merge(tick(1, ["A", "C"], startedAt: 10), tick(2, ["B", "C"], startedAt: 20))
        #expect(merged.changed == ["A", "B", "C"], "a stock that changed in either tick is sent once")
        #expect(merged.tick == 2 && merged.timestamp == 2000, "the newer tick's timestamp")
        #expect(merged.startedAt == 10, "latency counts from the first tick folded in")
    }

    @Test func aLoopThatFallsBehindGetsABoundedBacklogWithNothingLost() throws {
        let loop = try EventLoop()
        let delivered = Mutex<[TickUpdate]>([])
        let mailbox = TickMailbox(handle: loop.handle) { _, tick, _ in delivered.withLock { $0.append(tick) } }
        // 100 ticks arrive while the loop is busy, then it runs once.
        for number in 1...100 { mailbox.post(tick(Int64(number), ["S\(number)"], startedAt: UInt64(number))) }
        loop.runOnce(maximumWaitMilliseconds: 100)
        let ticks = delivered.withLock { $0 }
        #expect(ticks.count == TickMailbox.capacity, "the backlog is bounded")
        #expect(ticks.map(\.tick) == [1, 2, 3, 4, 5, 6, 7, 100], "the last slot holds the newest tick")
        #expect(Set(ticks.flatMap(\.changed)).count == 100, "every changed stock is still delivered")
        // The backlog was taken whole: the next tick gets a job of its own.
        mailbox.post(tick(101, ["X"], startedAt: 101))
        loop.runOnce(maximumWaitMilliseconds: 100)
        #expect(delivered.withLock { $0.last?.tick } == 101)
    }
}
