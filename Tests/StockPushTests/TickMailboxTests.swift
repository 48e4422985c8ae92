import Market
import PushCore
import Reactor
import Synchronization
import Telemetry
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
        let batched = Mutex<[Bool]>([])
        let mailbox = TickMailbox(handle: loop.handle) { _, tick, _, inBatch in
            delivered.withLock { $0.append(tick) }
            batched.withLock { $0.append(inBatch) }
        }
        // 100 ticks arrive while the loop is busy, then it runs once.
        for number in 1...100 { mailbox.post(tick(Int64(number), ["S\(number)"], startedAt: UInt64(number))) }
        loop.runOnce(maximumWaitMilliseconds: 100)
        let ticks = delivered.withLock { $0 }
        #expect(ticks.count == TickMailbox.capacity, "the backlog is bounded")
        #expect(ticks.map(\.tick) == [1, 2, 3, 4, 5, 6, 7, 100], "the last slot holds the newest tick")
        #expect(Set(ticks.flatMap(\.changed)).count == 100, "every changed stock is still delivered")
        #expect(batched.withLock { $0 } == Array(repeating: true, count: 8), "a backlog's messages go out together")
        // The backlog was taken whole: the next tick gets a job of its own.
        mailbox.post(tick(101, ["X"], startedAt: 101))
        loop.runOnce(maximumWaitMilliseconds: 100)
        #expect(delivered.withLock { $0.last?.tick } == 101)
        #expect(batched.withLock { $0.last } == false, "a tick alone is sent at once")
    }

    @Test func aTickMergedAwayStillCompletesItsDebugLine() throws {
        let loop = try EventLoop()
        let lines = Mutex<[String]>([])
        let logger = Logger(label: "push", minimumLevel: .debug, sink: { line in lines.withLock { $0.append(line) } })
        let mailbox = TickMailbox(handle: loop.handle) { _, _, report, _ in report?.loopDone(clients: 1) }
        for number in 1...10 {
            let report = TickReport(tick: Int64(number), changed: 1, startedAt: 0, loops: 1, logger: logger)
            mailbox.post(tick(Int64(number), ["S\(number)"], startedAt: 1), report: report)
        }
        loop.runOnce(maximumWaitMilliseconds: 100)
        let written = lines.withLock { $0 }
        #expect(written.count == 10, "one line per tick, merged or not")
        #expect(written.filter { $0.contains("clients=0") }.count == 2, "ticks 8 and 9 were folded into tick 10")
    }
}
