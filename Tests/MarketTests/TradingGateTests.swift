import Testing
import Time

@testable import Market

/// Market hours as the scheduler enforces them: open markets, one closing pull, nothing after.
@Suite struct TradingGateTests {
    static let hongKong = Stock(code: "0700", name: "Tencent", market: "HK", referencePrice: 1)
    static let apple = Stock(code: "AAPL", name: "Apple", market: "US", referencePrice: 1)
    static let other = Stock(code: "X", name: "No calendar", market: "XX", referencePrice: 1)

    /// Hong Kong 09:30-12:00 and 13:00-16:00, New York 09:30-16:00 (both fixed offsets here).
    static func clock() throws -> MarketClock {
        MarketClock([
            try MarketCalendar(
                market: "HK", zone: .fixed(name: "HKT", offsetSeconds: 28_800),
                sessions: [TradingSession(open: 570, close: 720), TradingSession(open: 780, close: 960)]),
            try MarketCalendar(
                market: "US", zone: .fixed(name: "EST", offsetSeconds: -18_000),
                sessions: [TradingSession(open: 570, close: 960)]),
        ])
    }

    /// Monday 2026-12-07, UTC.
    static func at(_ hour: Int, _ minute: Int = 0) -> Int64 {
        (Int64(CivilCalendar.days(year: 2026, month: 12, day: 7)) * 86_400 + Int64(hour * 3600 + minute * 60)) * 1_000_000
    }

    @Test func openMarketsThenOneClosingPull() throws {
        let clock = try Self.clock()
        var gate = TradingGate()
        let all = [Self.hongKong, Self.apple, Self.other]
        // 10:00 in Hong Kong, 21:00 (Sunday) in New York: New York gets its first-seen pull only.
        #expect(gate.admit(all, clock: clock, at: Self.at(2)).map(\.code) == ["0700", "AAPL", "X"])
        #expect(gate.admit(all, clock: clock, at: Self.at(2, 1)).map(\.code) == ["0700", "X"])
        // 12:00: lunch break, one closing pull, then nothing until 13:00.
        #expect(gate.admit(all, clock: clock, at: Self.at(4)).map(\.code) == ["0700", "X"])
        #expect(gate.admit(all, clock: clock, at: Self.at(4, 1)).map(\.code) == ["X"])
        #expect(gate.admit(all, clock: clock, at: Self.at(5)).map(\.code) == ["0700", "X"])
    }

    @Test func theSchedulerSkipsPullsWhileEveryMarketIsClosed() throws {
        let clock = try Self.clock()
        let lock = FakeLock()
        let sink = RecordingSink()
        let scheduler = Scheduler(
            owner: "a", timing: .init(interval: 60), source: FlakySource(), lock: lock, sink: sink,
            stocks: { [Self.hongKong, Self.apple] }, hours: MarketHours(clock: { clock }, offsetMicros: Self.at(8)),
            log: { _ in })
        // Market time 16:00 in Hong Kong (offset from t = 0): the closing pull of both.
        #expect(scheduler.step(now: 0) == .pulled(quotes: 2, tick: 1))
        lock.now = 60_000_000
        #expect(scheduler.step(now: 60_000_000) == .marketsClosed)
        #expect(sink.messages.count == 1)
        // Without enforced hours the same scheduler pulls at any hour.
        let anyHour = Scheduler(
            owner: "b", timing: .init(interval: 60), source: FlakySource(), lock: FakeLock(), sink: RecordingSink(),
            stocks: { [Self.hongKong] }, log: { _ in })
        #expect(anyHour.step(now: 0) == .pulled(quotes: 1, tick: 1))
        #expect(anyHour.step(now: 60_000_000) == .pulled(quotes: 1, tick: 2))
    }
}
