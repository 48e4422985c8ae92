import Testing

@testable import Market

/// An in-memory lock with expiry, standing in for Redis in unit tests.
final class FakeLock: LeaderLock {
    var holder: String?
    var expiresAt: Int64 = 0
    var now: Int64 = 0
    var failing = false

    func acquireOrRenew(owner: String, ttlMilliseconds: Int) throws -> Bool {
        if failing { throw QuoteSourceError.unreachable("lock store down") }
        if holder == nil || now >= expiresAt || holder == owner {
            holder = owner
            expiresAt = now + Int64(ttlMilliseconds) * 1000
            return true
        }
        return false
    }

    func release(owner: String) throws {
        if holder == owner { holder = nil }
    }
}

final class RecordingSink: QuoteSink {
    var ticks: [(Int64, [Quote])] = []
    func writeTick(_ quotes: [Quote], at time: Int64) throws -> Int64 {
        ticks.append((time, quotes))
        return Int64(ticks.count)
    }
}

final class FlakySource: QuoteSource {
    let name = "flaky"
    var failNext = false
    func quotes(for stocks: [Stock], now: Int64) throws(QuoteSourceError) -> [Quote] {
        if failNext {
            failNext = false
            throw .malformed("truncated JSON")
        }
        return stocks.map { Quote(code: $0.code, price: 1, prevClose: 1, volume: now, turnover: 0, quoteTime: now) }
    }
}

@Suite struct SchedulerTests {
    let second: Int64 = 1_000_000
    let stocks = [Stock(code: "AAPL", name: "Apple Inc.", market: "US", referencePrice: 1)]

    func scheduler(
        _ owner: String, lock: FakeLock, sink: RecordingSink, source: any QuoteSource = FlakySource(),
        interval: Double = 1
    ) -> Scheduler {
        Scheduler(
            owner: owner, timing: .init(interval: interval), source: source, lock: lock, sink: sink,
            stocks: { stocks }, log: { _ in })
    }

    /// Runs every scheduler at its own `nextStepAt` until `end`.
    func run(
        _ schedulers: [Scheduler], lock: FakeLock, from start: Int64, to end: Int64,
        alive: (Scheduler, Int64) -> Bool = { _, _ in true }
    ) {
        var now = start
        var due = schedulers.map { _ in start }
        while now < end {
            for (index, scheduler) in schedulers.enumerated() where due[index] <= now && alive(scheduler, now) {
                lock.now = now
                scheduler.step(now: now)
                due[index] = scheduler.nextStepAt
            }
            now += second / 100
        }
    }

    @Test func theLeaderPullsOncePerInterval() {
        let lock = FakeLock()
        let sink = RecordingSink()
        let leader = scheduler("a", lock: lock, sink: sink)
        run([leader], lock: lock, from: 0, to: 10 * second)
        #expect(sink.ticks.count == 10)
        let gaps = zip(sink.ticks.dropFirst(), sink.ticks).map { $0.0 - $1.0 }
        #expect(gaps.allSatisfy { $0 == second })
    }

    @Test func onlyOneOfTwoInstancesPulls() {
        let lock = FakeLock()
        let sink = RecordingSink()
        let a = scheduler("a", lock: lock, sink: sink)
        let b = scheduler("b", lock: lock, sink: sink)
        run([a, b], lock: lock, from: 0, to: 10 * second)
        #expect(sink.ticks.count == 10)
        #expect(a.isLeader != b.isLeader)
    }

    @Test func aFollowerTakesOverWithinOneIntervalWhenTheLeaderDies() {
        let lock = FakeLock()
        let sink = RecordingSink()
        let a = scheduler("a", lock: lock, sink: sink, interval: 6)
        let b = scheduler("b", lock: lock, sink: sink, interval: 6)
        let death = 20 * second
        run([a, b], lock: lock, from: 0, to: 60 * second) { scheduler, now in scheduler.owner == "b" || now < death }
        let before = sink.ticks.filter { $0.0 < death }
        let after = sink.ticks.filter { $0.0 >= death }
        #expect(before.count >= 3)
        let lastBefore = before.last!.0
        let firstAfter = after.first!.0
        // The gap between pulls across the hand-over is at most two intervals: the pull
        // the dead leader would have made is taken over within one interval.
        #expect(firstAfter - death <= 6 * second, "took over \(Double(firstAfter - death) / 1e6) s after the leader died")
        #expect(firstAfter - lastBefore <= 12 * second)
        #expect(b.isLeader)
    }

    @Test func aFailedPullIsSkippedAndTheNextOneHappens() {
        let lock = FakeLock()
        let sink = RecordingSink()
        let source = FlakySource()
        let leader = scheduler("a", lock: lock, sink: sink, source: source)
        lock.now = 0
        #expect(leader.step(now: 0) == .pulled(quotes: 1, tick: 1))
        source.failNext = true
        lock.now = second
        #expect(leader.step(now: second) == .failed("malformed source payload: truncated JSON"))
        lock.now = 2 * second
        #expect(leader.step(now: 2 * second) == .pulled(quotes: 1, tick: 2))
    }

    @Test func aLockStoreOutageStandsDownAndRecovers() {
        let lock = FakeLock()
        let sink = RecordingSink()
        let leader = scheduler("a", lock: lock, sink: sink)
        #expect(leader.step(now: 0) == .pulled(quotes: 1, tick: 1))
        lock.failing = true
        if case .failed = leader.step(now: second) {} else { Issue.record("expected failure") }
        #expect(!leader.isLeader)
        lock.failing = false
        lock.now = 2 * second
        #expect(leader.step(now: 2 * second) == .pulled(quotes: 1, tick: 2))
    }

    @Test func resigningHandsTheLockOver() {
        let lock = FakeLock()
        let sink = RecordingSink()
        let a = scheduler("a", lock: lock, sink: sink)
        let b = scheduler("b", lock: lock, sink: sink)
        a.step(now: 0)
        #expect(b.step(now: 0) == .follower)
        a.resign()
        #expect(b.step(now: second / 10) == .pulled(quotes: 1, tick: 2))
    }
}
