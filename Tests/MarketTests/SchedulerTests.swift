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

/// An in-memory quote store with Redis's conditional write: it records each message
/// written and counts the baseline reads.
final class RecordingSink: QuoteSink {
    var store = TickBaseline(tick: 0, quotes: [:])
    var messages: [TickMessage] = []
    var reads = 0
    var failing = false
    var ticks: [(Int64, [Quote])] { messages.map { ($0.at, $0.quotes) } }

    func readBaseline() throws -> TickBaseline {
        if failing { throw QuoteSourceError.unreachable("store down") }
        reads += 1
        return store
    }

    func writeTick(_ message: TickMessage) throws -> TickWrite {
        if failing { throw QuoteSourceError.unreachable("store down") }
        guard message.tick == store.tick + 1 else { return .superseded(storeTick: store.tick) }
        store.apply(message)
        messages.append(message)
        return .written
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
        return stocks.map { Quote(code: $0.code, price: 1, prevClose: 1, volume: now + 1, turnover: 0, quoteTime: now) }
    }
}

/// Returns whatever quotes the test set, for the stocks asked.
final class ScriptedSource: QuoteSource {
    let name = "scripted"
    var quotes: [Quote] = []
    func quotes(for stocks: [Stock], now: Int64) throws(QuoteSourceError) -> [Quote] { quotes }
}

/// A store some other writer keeps moving on.
final class ContestedSink: QuoteSink {
    var tick: Int64 = 0
    func readBaseline() throws -> TickBaseline { TickBaseline(tick: tick, quotes: [:]) }
    func writeTick(_ message: TickMessage) throws -> TickWrite {
        tick += 5
        return .superseded(storeTick: tick)
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

    @Test func aPullDueBeforeTheCatalogLoadsHappensAsSoonAsItDoes() {
        let lock = FakeLock()
        let sink = RecordingSink()
        var catalog: [Stock] = []
        let scheduler = Scheduler(
            owner: "a", timing: .init(interval: 60), source: FlakySource(), lock: lock, sink: sink,
            stocks: { catalog }, log: { _ in })
        #expect(scheduler.step(now: 0) == .waiting, "nothing to pull without a catalog")
        #expect(scheduler.nextStepAt <= second, "tried again within a second, not an interval later")
        catalog = stocks
        lock.now = scheduler.nextStepAt
        #expect(scheduler.step(now: scheduler.nextStepAt) == .pulled(quotes: 1, tick: 1))
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

    func quote(_ code: String, _ price: Double) -> Quote {
        Quote(code: code, price: price, prevClose: 10, volume: 100, turnover: price * 100, quoteTime: 1)
    }

    @Test func theLeaderWritesOnlyWhatChangedSinceItsLastTick() {
        let lock = FakeLock()
        let sink = RecordingSink()
        let source = ScriptedSource()
        let leader = scheduler("a", lock: lock, sink: sink, source: source)
        source.quotes = [quote("A", 10), quote("B", 20)]
        #expect(leader.step(now: 0) == .pulled(quotes: 2, tick: 1))
        source.quotes = [quote("A", 10), quote("B", 20.5)]
        lock.now = second
        #expect(leader.step(now: second) == .pulled(quotes: 2, tick: 2))
        lock.now = 2 * second
        #expect(leader.step(now: 2 * second) == .pulled(quotes: 2, tick: 3))
        #expect(sink.messages.map { $0.quotes.map(\.code) } == [["A", "B"], ["B"], []])
        #expect(sink.messages.map(\.at) == [0, second, 2 * second])
        #expect(sink.reads == 1, "the store is read once, on taking the lead")
    }

    @Test func aNewLeaderDiffsAgainstWhatTheStoreHolds() {
        let lock = FakeLock()
        let sink = RecordingSink()
        sink.store = TickBaseline(tick: 5, quotes: ["A": quote("A", 10), "B": quote("B", 20)])
        let source = ScriptedSource()
        source.quotes = [quote("A", 10), quote("B", 21)]
        #expect(scheduler("b", lock: lock, sink: sink, source: source).step(now: 0) == .pulled(quotes: 2, tick: 6))
        #expect(sink.messages.map { $0.quotes.map(\.code) } == [["B"]])
    }

    @Test func aStoreThatStartedOverIsRereadAndGetsEveryQuote() {
        let lock = FakeLock()
        let sink = RecordingSink()
        let source = ScriptedSource()
        source.quotes = [quote("A", 10), quote("B", 20)]
        let leader = scheduler("a", lock: lock, sink: sink, source: source)
        leader.step(now: 0)
        sink.store = TickBaseline(tick: 0, quotes: [:])  // Redis restarted empty between two renewals
        lock.now = second
        #expect(leader.step(now: second) == .pulled(quotes: 2, tick: 1))
        #expect(sink.messages.last?.quotes.map(\.code) == ["A", "B"])
        #expect(sink.reads == 2)
        #expect(sink.store.quotes.count == 2)
    }

    @Test func aFailedWriteIsFollowedByAFreshRead() {
        let lock = FakeLock()
        let sink = RecordingSink()
        let source = ScriptedSource()
        source.quotes = [quote("A", 10)]
        let leader = scheduler("a", lock: lock, sink: sink, source: source)
        leader.step(now: 0)
        sink.failing = true
        lock.now = second
        if case .failed = leader.step(now: second) {} else { Issue.record("expected the write to fail") }
        sink.failing = false
        lock.now = 2 * second
        #expect(leader.step(now: 2 * second) == .pulled(quotes: 1, tick: 2))
        #expect(sink.reads == 2, "after a failure the leader cannot know what the store holds")
    }

    @Test func aStoreThatKeepsMovingFailsThePull() {
        let source = ScriptedSource()
        source.quotes = [quote("A", 10)]
        let leader = Scheduler(
            owner: "a", timing: .init(interval: 1), source: source, lock: FakeLock(), sink: ContestedSink(),
            stocks: { stocks }, log: { _ in })
        #expect(leader.step(now: 0) == .failed("\(SchedulerError.storeMovedOn(expected: 5, found: 10))"))
    }
}
