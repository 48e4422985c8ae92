import Testing

@testable import Market

@Suite struct QuoteCodecTests {
    @Test func roundTripsWithTheContractFieldNames() throws {
        let quote = Quote(
            code: "600519", price: 1850.5, prevClose: 1805.4, volume: 12_345_678, turnover: 22_845_000_000.0,
            quoteTime: 1_763_720_999_000_000)
        let bytes = QuoteCodec.encode(quote)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains(#""code":"600519""#))
        #expect(text.contains(#""prev_close":1805.4"#))
        #expect(text.contains(#""quote_time":"2025-11-21T10:29:59.000000Z""#))
        #expect(try QuoteCodec.decode(bytes) == quote)
        #expect(!text.contains("ingest_time"), "no stamp before the leader writes it")
    }

    @Test func carriesTheIngestTimeAndReadsQuotesStoredWithout() throws {
        var quote = Quote(code: "0700", price: 485, prevClose: 480, volume: 1, turnover: 485, quoteTime: 1_000_000)
        quote.ingestTime = 1_763_720_999_500_000
        let bytes = QuoteCodec.encode(quote)
        #expect(String(decoding: bytes, as: UTF8.self).contains(#""ingest_time":"2025-11-21T10:29:59.500000Z""#))
        #expect(try QuoteCodec.decode(bytes) == quote)
        let old = #"{"code":"X","price":1,"prev_close":1,"volume":1,"turnover":1,"quote_time":"2026-01-01T00:00:00Z"}"#
        #expect(try QuoteCodec.decode(Array(old.utf8)).ingestTime == 0)
        #expect(throws: QuoteCodec.DecodeError.invalidField("ingest_time")) {
            try QuoteCodec.decode(Array((old.dropLast() + #","ingest_time":"soon"}"#).utf8))
        }
    }

    @Test func rejectsBrokenStoredQuotes() {
        #expect(throws: QuoteCodec.DecodeError.self) { try QuoteCodec.decode(Array("not json".utf8)) }
        #expect(throws: QuoteCodec.DecodeError.missingField("price")) {
            try QuoteCodec.decode(
                Array(#"{"code":"X","prev_close":1,"volume":1,"turnover":1,"quote_time":"2026-01-01T00:00:00Z"}"#.utf8))
        }
        // A volume no Int64 holds is refused, not trapped on: every instance decodes ticks.
        #expect(throws: QuoteCodec.DecodeError.invalidField("volume")) {
            try QuoteCodec.decode(
                Array(
                    #"{"code":"X","price":1,"prev_close":1,"volume":1e300,"turnover":1,"quote_time":"2026-01-01T00:00:00Z"}"#
                        .utf8))
        }
    }

    @Test func layoutKeysShareThePrefix() {
        let layout = QuoteStoreLayout(prefix: "demo")
        let keys = [layout.latestQuotes, layout.tickSequence, layout.tickChannel, layout.schedulerLock]
        for key in keys {
            #expect(key.hasPrefix("demo:"))
        }
        #expect(Set(keys).count == 4)
    }
}
