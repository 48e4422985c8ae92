import Testing
import Time

@testable import Market

@Suite struct MarketClockTests {
    /// Microseconds since the epoch of a UTC wall time.
    static func utc(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int = 0) -> Int64 {
        (Int64(CivilCalendar.days(year: year, month: month, day: day)) * 86_400 + Int64(hour * 3600 + minute * 60))
            * 1_000_000
    }
    func utc(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int = 0) -> Int64 {
        Self.utc(year, month, day, hour, minute)
    }

    let clock: MarketClock

    init() throws {
        let database = TimeZoneDatabase()
        let christmas = CivilCalendar.days(year: 2026, month: 12, day: 25)
        clock = MarketClock([
            try MarketCalendar(
                market: "HK", zone: try database.rules(for: "Asia/Hong_Kong"),
                sessions: [TradingSession(open: 570, close: 720), TradingSession(open: 780, close: 960)],
                holidays: [christmas], preOpenMinutes: 15),
            try MarketCalendar(
                market: "US", zone: try database.rules(for: "America/New_York"),
                sessions: [TradingSession(open: 570, close: 960)], preOpenMinutes: 30),
            try MarketCalendar(market: "XX", zone: .fixed(name: "Etc/UTC", offsetSeconds: 0), sessions: []),
        ])
    }

    /// A Monday in Hong Kong (UTC+8), phase by phase, each boundary exactly.
    @Test func hongKongDay() {
        let friday1600 = utc(2026, 12, 4, 8)
        #expect(
            clock.state(of: "HK", at: utc(2026, 12, 7, 1, 14))
                == MarketState(status: .closed, since: friday1600, nextChange: utc(2026, 12, 7, 1, 15)))
        #expect(
            clock.state(of: "HK", at: utc(2026, 12, 7, 1, 15))
                == MarketState(status: .preOpen, since: utc(2026, 12, 7, 1, 15), nextChange: utc(2026, 12, 7, 1, 30)))
        #expect(clock.state(of: "HK", at: utc(2026, 12, 7, 1, 30) - 1)?.status == .preOpen)
        #expect(
            clock.state(of: "HK", at: utc(2026, 12, 7, 1, 30))
                == MarketState(status: .open, since: utc(2026, 12, 7, 1, 30), nextChange: utc(2026, 12, 7, 4)))
        #expect(
            clock.state(of: "HK", at: utc(2026, 12, 7, 4, 30))
                == MarketState(status: .lunchBreak, since: utc(2026, 12, 7, 4), nextChange: utc(2026, 12, 7, 5)))
        #expect(clock.state(of: "HK", at: utc(2026, 12, 7, 5))?.status == .open)
        #expect(
            clock.state(of: "HK", at: utc(2026, 12, 7, 8))
                == MarketState(status: .closed, since: utc(2026, 12, 7, 8), nextChange: utc(2026, 12, 8, 1, 15)))
    }

    @Test func weekendsAndHolidaysAreClosed() {
        // Saturday: closed since Friday's close, until Monday's pre-open.
        #expect(
            clock.state(of: "HK", at: utc(2026, 12, 5, 6))
                == MarketState(status: .closed, since: utc(2026, 12, 4, 8), nextChange: utc(2026, 12, 7, 1, 15)))
        // Friday 2026-12-25 is a holiday: closed from Thursday's close to Monday's pre-open.
        #expect(
            clock.state(of: "HK", at: utc(2026, 12, 25, 2))
                == MarketState(status: .closed, since: utc(2026, 12, 24, 8), nextChange: utc(2026, 12, 28, 1, 15)))
    }

    /// New York opens at 14:30 UTC before 2026-03-08 and at 13:30 UTC after.
    @Test func newYorkAcrossSpringForward() {
        #expect(clock.state(of: "US", at: utc(2026, 3, 6, 14, 29))?.status == .preOpen)
        #expect(clock.state(of: "US", at: utc(2026, 3, 6, 14, 30))?.status == .open)
        #expect(
            clock.state(of: "US", at: utc(2026, 3, 7, 12))
                == MarketState(status: .closed, since: utc(2026, 3, 6, 21), nextChange: utc(2026, 3, 9, 13)))
        #expect(
            clock.state(of: "US", at: utc(2026, 3, 9, 13, 30))
                == MarketState(status: .open, since: utc(2026, 3, 9, 13, 30), nextChange: utc(2026, 3, 9, 20)))
        #expect(clock.state(of: "US", at: utc(2026, 3, 9, 20))?.status == .closed)
    }

    @Test func newYorkAcrossFallBack() {
        #expect(clock.state(of: "US", at: utc(2026, 10, 30, 19, 59))?.status == .open)
        #expect(
            clock.state(of: "US", at: utc(2026, 11, 1, 6))
                == MarketState(status: .closed, since: utc(2026, 10, 30, 20), nextChange: utc(2026, 11, 2, 14)))
        #expect(clock.state(of: "US", at: utc(2026, 11, 2, 14, 30))?.status == .open)
        #expect(clock.state(of: "US", at: utc(2026, 11, 2, 21) - 1)?.status == .open)
        #expect(clock.state(of: "US", at: utc(2026, 11, 2, 21))?.status == .closed)
    }

    @Test func marketsWithoutSessionsOrCalendar() {
        #expect(clock.state(of: "XX", at: 0) == MarketState(status: .closed, since: nil, nextChange: nil))
        #expect(clock.state(of: "SH", at: 0) == nil)
        #expect(clock.markets == ["HK", "US", "XX"])
        #expect(clock.nextChange(after: utc(2026, 12, 7, 1, 20)) == utc(2026, 12, 7, 1, 30))
    }

    @Test func refusesBadSessions() {
        let zone = TimeZoneRules.fixed(name: "Etc/UTC", offsetSeconds: 0)
        #expect(throws: MarketCalendarError.self) {
            try MarketCalendar(market: "SH", zone: zone, sessions: [TradingSession(open: 690, close: 570)])
        }
        #expect(throws: MarketCalendarError.self) {
            try MarketCalendar(
                market: "SH", zone: zone,
                sessions: [TradingSession(open: 570, close: 700), TradingSession(open: 690, close: 900)])
        }
        #expect(throws: MarketCalendarError.self) {
            try MarketCalendar(market: "SH", zone: zone, sessions: [TradingSession(open: 5, close: 900)])
        }
        #expect(TradingSession.minutes("09:30") == 570)
        #expect(TradingSession.minutes("24:00") == 1440)
        for bad in ["9:30", "25:00", "09:60", "0930", "09:3x", "24:01"] { #expect(TradingSession.minutes(bad) == nil) }
    }
}
