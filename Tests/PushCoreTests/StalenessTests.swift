import Market
import PushCore
import Testing

/// `TickBuilder`'s staleness flag, judged at instants passed in (seconds here).
@Suite struct StalenessTests {
    static let second: Int64 = 1_000_000

    func quote(_ code: String, _ price: Double, at seconds: Int64) -> Quote {
        Quote(code: code, price: price, prevClose: 10, volume: 1, turnover: price, quoteTime: seconds * Self.second)
    }

    /// `open`: market → the second its session opened.
    func check(at seconds: Int64, open: [String: Int64] = ["SH": 0]) -> StalenessCheck {
        StalenessCheck(now: seconds * Self.second, after: 3 * Self.second, openSince: open.mapValues { $0 * Self.second })
    }

    func builder() -> TickBuilder {
        var builder = TickBuilder()
        builder.catalogChanged(CoreHarness.catalog)
        return builder
    }

    func text(_ builder: TickBuilder, _ code: String) -> String {
        String(decoding: builder.board.fragments[code]!.json.array, as: UTF8.self)
    }

    @Test func aQuoteThatStopsArrivingGoesStaleOnceAndRecoversOnce() {
        var builder = builder()
        #expect(builder.apply([quote("600519", 11, at: 10)], tick: 1, staleness: check(at: 10)) == ["600519"])
        #expect(builder.refreshStaleness(check(at: 13)).isEmpty, "3 s old is not yet stale")
        #expect(builder.refreshStaleness(check(at: 14)) == ["600519"])
        #expect(text(builder, "600519").hasSuffix(#","stale":true}"#))
        #expect(builder.board.tick == 1, "a flag is not a tick")
        #expect(builder.refreshStaleness(check(at: 20)).isEmpty, "sent once")
        #expect(builder.staleCodes == ["600519"] && builder.wentStale == 1)
        // The same price quoted again: the recovery is sent, with the new quote time.
        #expect(builder.apply([quote("600519", 11, at: 21)], tick: 2, staleness: check(at: 21)) == ["600519"])
        #expect(!text(builder, "600519").contains("stale"))
        #expect(builder.board.quotes["600519"]?.quoteTime == 21 * Self.second)
        #expect(builder.staleCodes.isEmpty && builder.recovered == 1)
    }

    @Test func theSamePriceQuotedAgainKeepsAQuoteFreshWithoutSendingIt() {
        var builder = builder()
        builder.apply([quote("600519", 11, at: 0)], tick: 1, staleness: check(at: 0))
        #expect(builder.apply([quote("600519", 11, at: 2)], tick: 2, staleness: check(at: 2)).isEmpty)
        #expect(builder.refreshStaleness(check(at: 4)).isEmpty, "quoted 2 s ago")
        #expect(builder.refreshStaleness(check(at: 6)) == ["600519"])
    }

    @Test func aClosedMarketFlagsNothingAndItsClosingClearsTheFlag() {
        var builder = builder()
        builder.apply([quote("600519", 11, at: 0), quote("00700", 300, at: 0)], tick: 1, staleness: check(at: 0))
        #expect(builder.refreshStaleness(check(at: 100)) == ["600519"], "Hong Kong is closed: 00700 is old, not stale")
        #expect(builder.refreshStaleness(check(at: 101, open: ["HK": 0])) == ["00700", "600519"])
        #expect(builder.staleCodes == ["00700"] && builder.recovered == 1)
    }

    @Test func theOpeningBellGivesEveryQuoteTheFullWindow() {
        var builder = builder()
        builder.apply([quote("600519", 11, at: 0)], tick: 1, staleness: check(at: 0, open: [:]))
        // Yesterday's quote at a session opened 2 s ago: not stale until 3 s after the bell.
        #expect(builder.refreshStaleness(check(at: 1000, open: ["SH": 998])).isEmpty)
        #expect(builder.refreshStaleness(check(at: 1002, open: ["SH": 998])) == ["600519"])
    }

    @Test func aStaleQuoteThatMovesStaysFlaggedWhileItsQuoteTimeIsOld() {
        var builder = builder()
        builder.apply([quote("600519", 11, at: 0)], tick: 1, staleness: check(at: 0))
        builder.refreshStaleness(check(at: 5))
        // A feed that changes the price but not the quote time: still stale, and says so.
        #expect(builder.apply([quote("600519", 12, at: 0)], tick: 2, staleness: check(at: 6)) == ["600519"])
        #expect(text(builder, "600519").contains(#""price":12.00"#))
        #expect(text(builder, "600519").contains(#""stale":true"#))
    }

    @Test func aCatalogChangeKeepsTheFlagInTheReencodedFragment() {
        var builder = builder()
        builder.apply([quote("600519", 11, at: 0)], tick: 1, staleness: check(at: 0))
        builder.refreshStaleness(check(at: 5))
        builder.catalogChanged(CoreHarness.catalog)
        #expect(text(builder, "600519").contains(#""stale":true"#))
    }
}
