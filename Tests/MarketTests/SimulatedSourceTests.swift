import Testing

@testable import Market

@Suite struct SimulatedSourceTests {
    let stocks = [
        Stock(
            code: "600519", name: "贵州茅台", market: "SH", tickPrecision: 2, lotSize: 100, priceLimitPercent: 10,
            referencePrice: 1580),
        Stock(
            code: "510300", name: "沪深300ETF", market: "SH", tickPrecision: 3, lotSize: 100, priceLimitPercent: 10,
            referencePrice: 4.012),
        Stock(
            code: "688981", name: "中芯国际", market: "SH", tickPrecision: 2, lotSize: 200, priceLimitPercent: 20,
            referencePrice: 88.6),
        Stock(
            code: "AAPL", name: "Apple Inc.", market: "US", tickPrecision: 2, lotSize: 1, priceLimitPercent: nil,
            referencePrice: 228.5),
    ]
    let start: Int64 = 1_763_712_000_000_000  // 2025-11-21T08:00:00Z
    let second: Int64 = 1_000_000

    @Test func pricesMoveInWholeTicks() throws {
        let source = SimulatedSource(seed: 1, volatility: 0.01)
        for tick in 0..<2_000 {
            for quote in try source.quotes(for: stocks, now: start + Int64(tick) * second) {
                let stock = stocks.first { $0.code == quote.code }!
                let scaled = quote.price * Rounding.pow10(stock.tickPrecision)
                #expect(abs(scaled - scaled.rounded()) < 1e-6, "\(quote.code) \(quote.price) is not a whole tick")
                #expect(quote.price > 0)
            }
        }
    }

    @Test func pricesStayWithinDailyLimits() throws {
        // Violent volatility so the walk would blow through the limits if unclamped.
        let source = SimulatedSource(seed: 7, volatility: 0.05, idleProbability: 0)
        var sawUSAboveTwentyPercent = false
        for tick in 0..<3_000 {
            for quote in try source.quotes(for: stocks, now: start + Int64(tick) * second) {
                let stock = stocks.first { $0.code == quote.code }!
                if let limit = stock.priceLimitPercent {
                    // Within the band, which is rounded to the price step (half a step at most beyond).
                    let halfStep = stock.tickSize / 2 + 1e-9
                    #expect(quote.price <= quote.prevClose * (1 + limit / 100) + halfStep)
                    #expect(quote.price >= quote.prevClose * (1 - limit / 100) - halfStep)
                } else if abs(quote.price / quote.prevClose - 1) > 0.2 {
                    sawUSAboveTwentyPercent = true
                }
            }
        }
        #expect(sawUSAboveTwentyPercent, "a market without limits should be free to move")
    }

    @Test func volumesGrowInWholeLotsAndTurnoverFollows() throws {
        let source = SimulatedSource(seed: 3)
        var last: [String: Quote] = [:]
        for tick in 0..<500 {
            for quote in try source.quotes(for: stocks, now: start + Int64(tick) * second) {
                let stock = stocks.first { $0.code == quote.code }!
                #expect(quote.volume % Int64(stock.lotSize) == 0)
                if let previous = last[quote.code] {
                    #expect(quote.volume >= previous.volume)
                    #expect(quote.turnover >= previous.turnover)
                    if quote.volume == previous.volume { #expect(quote.price == previous.price) }
                }
                last[quote.code] = quote
            }
        }
        #expect(last.values.allSatisfy { $0.volume > 0 && $0.turnover > 0 })
    }

    @Test func someQuotesChangeEachPullAndSomeDoNot() throws {
        let many = (0..<100).map { Stock(code: "S\($0)", name: "s", market: "US", referencePrice: 50) }
        let source = SimulatedSource(seed: 11)
        let first = try source.quotes(for: many, now: start)
        let second = try source.quotes(for: many, now: start + self.second)
        let changed = zip(first, second).filter { $0.differsForSubscribers(from: $1) }.count
        #expect(changed > 30 && changed < 100, "changed \(changed) of 100")
    }

    @Test func sameSeedSameQuotes() throws {
        let a = SimulatedSource(seed: 99)
        let b = SimulatedSource(seed: 99)
        for tick in 0..<50 {
            #expect(
                try a.quotes(for: stocks, now: start + Int64(tick) * second)
                    == b.quotes(for: stocks, now: start + Int64(tick) * second))
        }
    }

    @Test func aNewTradingDayMakesYesterdaysPriceThePreviousClose() throws {
        let source = SimulatedSource(seed: 5, idleProbability: 0)
        var last: Quote?
        for tick in 0..<100 {
            last = try source.quotes(for: [stocks[0]], now: start + Int64(tick) * second).first
        }
        let nextDay = try #require(try source.quotes(for: [stocks[0]], now: start + 86_400 * second).first)
        #expect(nextDay.prevClose == last?.price)
        #expect(nextDay.volume < last!.volume)
    }
}
