import Testing

@testable import StockPush

@Suite struct MarketHoursConfigurationTests {
    func parse(_ arguments: [String], env: [String: String] = [:], wall: Int64 = 0) throws -> MarketHoursConfiguration {
        try MarketHoursConfiguration(
            from: Options(arguments: arguments, specs: PushConfiguration.options, environment: env), wallMicros: wall)
    }

    @Test func defaultsToIgnoringHoursOnTheWallClock() throws {
        let configuration = try parse([])
        #expect(configuration.mode == .ignore)
        #expect(configuration.offsetMicros == 0)
    }

    @Test func enforceAndAMarketTimeFromFlagsOrEnvironment() throws {
        // 2026-12-07T04:00:00Z is 1_796_616_000 s; the wall clock stands 1_000 s earlier.
        let wall: Int64 = 1_796_615_000_000_000
        let flags = try parse(["--market-hours", "enforce", "--market-time", "2026-12-07T04:00:00Z"], wall: wall)
        #expect(flags.mode == .enforce)
        #expect(flags.marketMicros(atWall: wall) == 1_796_616_000_000_000)
        #expect(flags.marketMicros(atWall: wall + 5_000_000) == 1_796_616_005_000_000)
        let env = try parse([], env: ["MARKET_HOURS": "enforce", "MARKET_TIME": "2026-12-07T12:00:00+08:00"], wall: wall)
        #expect(env == flags)
    }

    @Test func refusesBadValuesByName() {
        #expect(throws: UsageError.invalidValue(option: "--market-hours", value: "sometimes", expected: "ignore or enforce")) {
            try parse(["--market-hours", "sometimes"])
        }
        #expect(throws: UsageError.self) { try parse(["--market-time", "tomorrow"]) }
    }
}
