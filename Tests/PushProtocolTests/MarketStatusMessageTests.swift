import Market
import Testing

@testable import PushProtocol

@Suite struct MarketStatusMessageTests {
    @Test func marketStatus() {
        let state = MarketState(status: .lunchBreak, since: 1_796_616_000_000_000, nextChange: 1_796_619_600_000_000)
        #expect(
            Support.text(ServerMessage.marketStatus(market: "HK", state: state, timestamp: 1_796_617_000_000_000))
                == #"{"type":"market_status","market":"HK","status":"lunch_break","#
                + #""since":"2026-12-07T04:00:00.000000Z","next_change":"2026-12-07T05:00:00.000000Z","#
                + #""timestamp":"2026-12-07T04:16:40.000000Z"}"#)
        let never = MarketState(status: .closed, since: nil, nextChange: nil)
        #expect(
            Support.text(ServerMessage.marketStatus(market: "XX", state: never, timestamp: 0)).contains(
                #""status":"closed","since":null,"next_change":null,"#))
    }

    @Test func statusListsEveryMarket() {
        let bytes = ServerMessage.status(
            clientID: "c", user: "u", connectedAt: 0, subscriptions: [], messageCount: 0,
            markets: [
                ("HK", MarketState(status: .open, since: 0, nextChange: 1_000_000)),
                ("US", MarketState(status: .preOpen, since: 0, nextChange: nil)),
            ], timestamp: 0, id: nil)
        let json = Support.json(bytes)
        #expect(json?["markets"]?["HK"]?["status"] == .string("open"))
        #expect(json?["markets"]?["HK"]?["next_change"] == .string("1970-01-01T00:00:01.000000Z"))
        #expect(json?["markets"]?["US"]?["status"] == .string("pre_open"))
        #expect(json?["markets"]?["US"]?["next_change"] == .null)
    }
}
