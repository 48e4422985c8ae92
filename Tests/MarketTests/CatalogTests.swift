import Testing

@testable import Market

@Suite struct CatalogTests {
    let catalog = Catalog(
        markets: [
            MarketInfo(code: "SH", name: "Shanghai", timezone: "Asia/Shanghai", currency: "CNY", priceLimitPercent: 10),
            MarketInfo(code: "US", name: "US", timezone: "America/New_York", currency: "USD"),
        ],
        stocks: [
            Stock(code: "600519", name: "贵州茅台", market: "SH", referencePrice: 1580),
            Stock(code: "601398", name: "工商银行", market: "SH", referencePrice: 7),
            Stock(code: "OLD", name: "Delisted", market: "US", referencePrice: 1, active: false),
            Stock(code: "AAPL", name: "Apple Inc.", market: "US", referencePrice: 228),
        ],
        strategies: ["volume_wave": ["600519", "AAPL", "OLD"], "empty": []])

    @Test func resolvesEachSubscriptionTypeToActiveStocks() throws {
        #expect(try catalog.resolve(SubscriptionKey(.strategy, "volume_wave")) == ["600519", "AAPL"])
        #expect(try catalog.resolve(SubscriptionKey(.stock, "AAPL")) == ["AAPL"])
        #expect(try catalog.resolve(SubscriptionKey(.market, "SH")) == ["600519", "601398"])
        #expect(try catalog.resolve(SubscriptionKey(.market, "US")) == ["AAPL"])
        #expect(try catalog.resolve(SubscriptionKey(.strategy, "empty")) == [])
    }

    @Test(arguments: [
        SubscriptionKey(.strategy, "nope"), SubscriptionKey(.stock, "OLD"), SubscriptionKey(.stock, "600000"),
        SubscriptionKey(.market, "JP"),
    ])
    func unknownTargetsAreRefused(key: SubscriptionKey) {
        #expect(throws: Catalog.ResolveError.unknownTarget(key)) { try catalog.resolve(key) }
    }

    @Test func activeStocksAreSortedAndExcludeInactive() {
        #expect(catalog.activeStocks.map(\.code) == ["600519", "601398", "AAPL"])
    }

    @Test func changeKeepsThePricePrecisionAndPercentTwoDecimals() {
        let quote = Quote(code: "600519", price: 1850.5, prevClose: 1805.4, volume: 1, turnover: 1, quoteTime: 0)
        #expect(quote.change(decimals: 2) == 45.1)
        #expect(quote.changePercent == 2.5)
        let down = Quote(code: "X", price: 9.99, prevClose: 10.5, volume: 1, turnover: 1, quoteTime: 0)
        #expect(down.change(decimals: 2) == -0.51)
        let etf = Quote(code: "510300", price: 4.008, prevClose: 4.012, volume: 1, turnover: 1, quoteTime: 0)
        #expect(etf.change(decimals: 3) == -0.004)
        #expect(etf.changePercent == -0.1)
        #expect(down.changePercent == -4.86)
        #expect(Rounding.round(1.005, decimals: 2) == 1.01)
        #expect(Rounding.round(-1.005, decimals: 2) == -1.01)
    }
}
