import Testing

@testable import Market

@Suite struct TickBaselineTests {
    func quote(_ code: String, price: Double, volume: Int64 = 100, time: Int64 = 1, ingest: Int64 = 0) -> Quote {
        Quote(
            code: code, price: price, prevClose: 10, volume: volume, turnover: price * Double(volume), quoteTime: time,
            ingestTime: ingest)
    }

    func stamped(_ quotes: [Quote], _ ingest: Int64) -> [Quote] {
        quotes.map { quote in
            var stamped = quote
            stamped.ingestTime = ingest
            return stamped
        }
    }

    @Test func theFirstTickCarriesEveryQuoteStampedWithItsIngestTime() {
        let pulled = [quote("A", price: 10), quote("B", price: 20)]
        let message = TickBaseline(tick: 0, quotes: [:]).nextMessage(pulled: pulled, at: 5)
        #expect(message == TickMessage(tick: 1, at: 5, quotes: stamped(pulled, 5)))
        #expect(message.quotes.allSatisfy { $0.ingestTime == 5 })
    }

    @Test func aTickCarriesWhatChangedForSubscribersAndQuotesQuotedAgain() {
        let stored = TickBaseline(
            tick: 7,
            quotes: [
                "A": quote("A", price: 10), "B": quote("B", price: 20), "C": quote("C", price: 30),
                "E": quote("E", price: 50, time: 5),
            ])
        let pulled = [
            quote("A", price: 10, time: 99),  // the same figures quoted later: keeps quote_time fresh
            quote("B", price: 20.01),
            quote("C", price: 30, volume: 200),
            quote("D", price: 40),  // never stored
            quote("E", price: 50, time: 5),  // nothing new at all
            quote("E", price: 50, time: 4),  // an older quote never replaces a newer one
        ]
        let message = stored.nextMessage(pulled: Array(pulled.dropLast()), at: 9)
        #expect(message.tick == 8)
        #expect(message.quotes.map(\.code) == ["A", "B", "C", "D"])
        #expect(message.quotes == stamped(Array(pulled[0...3]), 9))
        #expect(stored.nextMessage(pulled: [pulled[5]], at: 9).quotes.isEmpty)
    }

    @Test func applyingAMessageGivesTheStoreAfterIt() {
        var baseline = TickBaseline(tick: 7, quotes: ["A": quote("A", price: 10), "B": quote("B", price: 20)])
        let message = baseline.nextMessage(pulled: [quote("A", price: 10), quote("B", price: 21)], at: 9)
        baseline.apply(message)
        #expect(
            baseline
                == TickBaseline(tick: 8, quotes: ["A": quote("A", price: 10), "B": quote("B", price: 21, ingest: 9)]))
        // Nothing moved: the next tick still counts, with no quotes.
        let quiet = baseline.nextMessage(pulled: [quote("A", price: 10), quote("B", price: 21)], at: 10)
        #expect(quiet == TickMessage(tick: 9, at: 10, quotes: []))
    }

    @Test func aCodePulledTwiceIsSentOnceWithItsLastQuote() {
        let message = TickBaseline(tick: 0, quotes: [:]).nextMessage(
            pulled: [quote("A", price: 10), quote("B", price: 5), quote("A", price: 11)], at: 1)
        #expect(message.quotes == stamped([quote("A", price: 11), quote("B", price: 5)], 1))
    }

    @Test func aCodeTooLongToFrameIsDropped() {
        let long = String(repeating: "X", count: TickMessage.maxCodeLength + 1)
        let message = TickBaseline(tick: 0, quotes: [:]).nextMessage(
            pulled: [quote(long, price: 1), quote("A", price: 2)], at: 1)
        #expect(message.quotes.map(\.code) == ["A"])
    }
}
