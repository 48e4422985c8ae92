import Market
import PushCore
import Testing

@Suite struct TickBuilderTests {
    func quote(_ code: String, _ price: Double) -> Quote {
        Quote(code: code, price: price, prevClose: 10, volume: 1, turnover: price, quoteTime: 0)
    }

    func builder() -> TickBuilder {
        var builder = TickBuilder()
        builder.catalogChanged(CoreHarness.catalog)
        return builder
    }

    @Test func onlyQuotesThatDifferForSubscribersAreChanges() {
        var builder = builder()
        #expect(builder.apply([quote("600519", 11), quote("00700", 12)], tick: 1) == ["00700", "600519"])
        #expect(builder.apply([quote("600519", 11), quote("00700", 13)], tick: 2) == ["00700"])
        #expect(builder.board.tick == 2)
        #expect(builder.board.quotes["00700"]?.price == 13)
        #expect(builder.board.fragments.keys.sorted() == ["00700", "600519"])
    }

    @Test func unknownAndInactiveStocksNeverReachTheBoard() {
        var builder = builder()
        #expect(builder.apply([quote("NOPE", 1)], tick: 1).isEmpty)
        #expect(builder.board.quotes.isEmpty)
    }

    @Test func aCatalogThatDeactivatesAStockDropsItsFragment() {
        var builder = builder()
        builder.apply([quote("600519", 11), quote("00700", 12)], tick: 1)
        let stocks = CoreHarness.catalog.stocks.values.map { stock -> Stock in
            var stock = stock
            if stock.code == "00700" { stock.active = false }
            return stock
        }
        builder.catalogChanged(
            Catalog(
                markets: Array(CoreHarness.catalog.markets.values), stocks: stocks,
                strategies: CoreHarness.catalog.strategies, version: 2))
        #expect(builder.board.fragments.keys.sorted() == ["600519"])
        #expect(builder.board.tick == 1, "a catalog change is not a tick")
        #expect(builder.apply([quote("00700", 14)], tick: 2).isEmpty)
    }
}
