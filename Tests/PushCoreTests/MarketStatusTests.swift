import Market
import PushCore
import Testing
import Time

/// `market_status` through the core: at subscribe, at each change, and across clock steps.
@Suite struct MarketStatusTests {
    /// Microseconds since the epoch of a UTC wall time.
    static func utc(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int = 0) -> Int64 {
        (Int64(CivilCalendar.days(year: year, month: month, day: day)) * 86_400 + Int64(hour * 3600 + minute * 60))
            * 1_000_000
    }

    /// Shanghai and Hong Kong (both UTC+8) with their real sessions, Monday 2026-12-07.
    static func harness(at micros: Int64) throws -> CoreHarness {
        let zone = TimeZoneRules.fixed(name: "Asia/Hong_Kong", offsetSeconds: 28_800)
        let clock = MarketClock([
            try MarketCalendar(
                market: "SH", zone: zone,
                sessions: [TradingSession(open: 570, close: 690), TradingSession(open: 780, close: 900)]),
            try MarketCalendar(
                market: "HK", zone: zone,
                sessions: [TradingSession(open: 570, close: 720), TradingSession(open: 780, close: 960)],
                preOpenMinutes: 30),
        ])
        let base = CoreHarness.catalog
        let catalog = Catalog(
            markets: Array(base.markets.values), stocks: Array(base.stocks.values), strategies: base.strategies,
            version: 1, clock: clock)
        let harness = CoreHarness(catalog: catalog)
        harness.now.marketMicros = micros
        harness.core.marketsTick(now: harness.now, into: &harness.actions)
        harness.take()
        return harness
    }

    @Test func subscribeAnswersWithTheStatusBetweenAckAndSnapshot() throws {
        let harness = try Self.harness(at: Self.utc(2026, 12, 7, 4, 10))  // 12:10 in Hong Kong
        let client = harness.open()
        let messages = harness.send(client, #"{"type":"subscribe","subscription_type":"stock","target":"00700"}"#)
            .messages(to: client)
        #expect(messages.map(\.type) == ["subscribed", "market_status", "price_update"])
        let status = messages[1].json
        #expect(status["market"] == .string("HK"))
        #expect(status["status"] == .string("lunch_break"))
        #expect(status["since"] == .string("2026-12-07T04:00:00.000000Z"))
        #expect(status["next_change"] == .string("2026-12-07T05:00:00.000000Z"))
        // A strategy across markets: one status per market it holds, in code order.
        let other = harness.open()
        let strategy = harness.send(other, #"{"type":"subscribe","subscription_type":"strategy","target":"blue_chips"}"#)
            .messages(to: other).filter { $0.type == "market_status" }
        #expect(strategy.map { $0.json["market"] } == [.string("HK"), .string("SH")])
        #expect(strategy.map { $0.json["status"] } == [.string("lunch_break"), .string("lunch_break")])
    }

    @Test func eachChangeReachesTheClientsOfThatMarketOnce() throws {
        let harness = try Self.harness(at: Self.utc(2026, 12, 7, 3, 59))  // 11:59: HK open, SH at lunch
        let hongKong = harness.open()
        let shanghai = harness.open()
        harness.send(hongKong, #"{"type":"subscribe","subscription_type":"market","target":"HK"}"#)
        harness.send(shanghai, #"{"type":"subscribe","subscription_type":"stock","target":"600519"}"#)
        harness.now.marketMicros = Self.utc(2026, 12, 7, 4)
        let next = harness.core.marketsTick(now: harness.now, into: &harness.actions)
        let actions = harness.take()
        let statuses = actions.messages(to: hongKong)
        #expect(statuses.map(\.type) == ["market_status"])
        #expect(statuses.first?.json["status"] == .string("lunch_break"))
        #expect(actions.messages(to: shanghai).isEmpty)
        #expect(next == Self.utc(2026, 12, 7, 5))  // both reopen at 13:00
        // The timer again at the same instant, or a little later: nothing new.
        harness.core.marketsTick(now: harness.now, into: &harness.actions)
        harness.now.marketMicros += 60_000_000
        harness.core.marketsTick(now: harness.now, into: &harness.actions)
        #expect(harness.take().isEmpty)
    }

    /// An NTP step forward over several changes announces the state reached, once per
    /// market; a step back within the same phase announces nothing.
    @Test func clockStepsDoNotBurst() throws {
        let harness = try Self.harness(at: Self.utc(2026, 12, 7, 2))  // 10:00: both open
        let client = harness.open()
        harness.send(client, #"{"type":"subscribe","subscription_type":"strategy","target":"blue_chips"}"#)
        harness.now.marketMicros = Self.utc(2026, 12, 8, 2, 30)  // a day later: open again
        harness.core.marketsTick(now: harness.now, into: &harness.actions)
        let statuses = harness.take().messages(to: client)
        #expect(statuses.map { $0.json["market"] } == [.string("HK"), .string("SH")])
        #expect(statuses.allSatisfy { $0.json["status"] == .string("open") })
        harness.now.marketMicros = Self.utc(2026, 12, 8, 2, 5)
        harness.core.marketsTick(now: harness.now, into: &harness.actions)
        #expect(harness.take().isEmpty)
    }

    @Test func getStatusListsEveryMarket() throws {
        let harness = try Self.harness(at: Self.utc(2026, 12, 5, 4))  // Saturday
        let client = harness.open()
        let reply = harness.send(client, #"{"type":"get_status","id":1}"#).messages(to: client)
        #expect(reply.first?.json["markets"]?["HK"]?["status"] == .string("closed"))
        #expect(reply.first?.json["markets"]?["SH"]?["next_change"] == .string("2026-12-07T01:15:00.000000Z"))
        #expect(reply.first?.json["markets"]?["HK"]?["next_change"] == .string("2026-12-07T01:00:00.000000Z"))
    }

    /// A holiday declared for today (a catalog reload) closes the market at the next check.
    @Test func aCalendarChangeIsAnnouncedAtTheNextCheck() throws {
        let harness = try Self.harness(at: Self.utc(2026, 12, 7, 2))  // 10:00: both open
        let client = harness.open()
        harness.send(client, #"{"type":"subscribe","subscription_type":"market","target":"HK"}"#)
        let old = harness.core.catalog
        let hongKong = try #require(old.clock.calendars["HK"])
        let monday = CivilCalendar.days(year: 2026, month: 12, day: 7)
        let holiday = try MarketCalendar(
            market: "HK", zone: hongKong.zone, sessions: hongKong.sessions, holidays: [monday], preOpenMinutes: 30)
        let catalog = Catalog(
            markets: Array(old.markets.values), stocks: Array(old.stocks.values), strategies: old.strategies, version: 2,
            clock: MarketClock([holiday, try #require(old.clock.calendars["SH"])]))
        harness.core.catalogChanged(catalog, now: harness.now, into: &harness.actions)
        harness.core.marketsTick(now: harness.now, into: &harness.actions)
        let statuses = harness.take().messages(to: client)
        #expect(statuses.map { $0.json["status"] } == [.string("closed")])
        #expect(statuses.first?.json["since"] == .string("2026-12-04T08:00:00.000000Z"))
    }

    /// A subscribe just past a change but before its timer gets the state last announced;
    /// the timer then brings the change, once.
    @Test func aSubscribeBeforeTheTimerGetsTheChangeOnce() throws {
        let harness = try Self.harness(at: Self.utc(2026, 12, 7, 3, 59))  // 11:59: HK open
        let client = harness.open()
        harness.now.marketMicros = Self.utc(2026, 12, 7, 4) + 500  // the timer is due, not yet run
        let answer = harness.send(client, #"{"type":"subscribe","subscription_type":"market","target":"HK"}"#)
            .messages(to: client).filter { $0.type == "market_status" }
        #expect(answer.map { $0.json["status"] } == [.string("open")])
        harness.core.marketsTick(now: harness.now, into: &harness.actions)
        #expect(harness.take().messages(to: client).map { $0.json["status"] } == [.string("lunch_break")])
    }

    @Test func aTargetThatGainsAMarketInACatalogChangeGetsItsStatusBeforeTheSnapshot() throws {
        let harness = try Self.harness(at: Self.utc(2026, 12, 7, 4, 10))
        let client = harness.open()
        harness.send(client, #"{"type":"subscribe","subscription_type":"strategy","target":"blue_chips"}"#)
        let current = harness.core.catalog
        let edited = Catalog(
            markets: Array(current.markets.values), stocks: Array(current.stocks.values),
            strategies: ["blue_chips": ["600519"]], version: 2, clock: current.clock)
        harness.core.catalogChanged(edited, now: harness.now, into: &harness.actions)
        #expect(harness.take().messages(to: client).map(\.type) == ["subscription_changed"], "HK lost: no status")
        let back = Catalog(
            markets: Array(current.markets.values), stocks: Array(current.stocks.values),
            strategies: ["blue_chips": ["600519", "09988"]], version: 3, clock: current.clock)
        harness.core.catalogChanged(back, now: harness.now, into: &harness.actions)
        let messages = harness.take().messages(to: client)
        #expect(messages.map(\.type) == ["subscription_changed", "market_status", "price_update"])
        #expect(messages[1].json["market"] == .string("HK"))
    }
}
