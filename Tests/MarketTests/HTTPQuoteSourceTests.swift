import Testing

@testable import Market

@Suite struct HTTPQuoteSourceTests {
    let stocks = [
        Stock(code: "600519", name: "贵州茅台", market: "SH", referencePrice: 1580),
        Stock(code: "AAPL", name: "Apple Inc.", market: "US", referencePrice: 228),
    ]
    let now: Int64 = 1_800_000_000_000_000

    func source(
        path: String = "", mapping: HTTPQuoteSource.FieldMapping = .init(), body: String,
        skipped: @escaping (String) -> Void = { _ in }
    ) -> HTTPQuoteSource {
        HTTPQuoteSource(path: path, mapping: mapping, fetch: { Array(body.utf8) }, skipped: skipped)
    }

    @Test func readsDefaultFieldNamesFromATopLevelArray() throws {
        let body = """
            [{"code":"600519","price":1850.5,"prev_close":1805.4,"volume":100,"turnover":185050,"quote_time":"2026-11-21T10:29:59Z"},
             {"code":"AAPL","price":"228.10","prev_close":"227.00","volume":"5","turnover":1140.5,"quote_time":1763721000},
             {"code":"MSFT","price":1,"prev_close":1}]
            """
        let quotes = try source(body: body).quotes(for: stocks, now: now)
        #expect(quotes.map(\.code) == ["600519", "AAPL"])
        #expect(quotes[0].price == 1850.5 && quotes[0].volume == 100)
        #expect(quotes[1].price == 228.10 && quotes[1].quoteTime == 1_763_721_000_000_000)
    }

    @Test func followsAPathAndAFieldMapping() throws {
        let mapping = try HTTPQuoteSource.FieldMapping(
            spec: "code=symbol, price=last,prev_close=preClose,volume=vol,turnover=amount,quote_time=ts")
        let body = #"{"data":{"quotes":[{"symbol":"AAPL","last":229,"preClose":228,"vol":7,"amount":1603,"ts":1763721000123}]}}"#
        let quotes = try source(path: "data.quotes", mapping: mapping, body: body).quotes(for: stocks, now: now)
        #expect(
            quotes == [
                Quote(code: "AAPL", price: 229, prevClose: 228, volume: 7, turnover: 1603, quoteTime: 1_763_721_000_123_000)
            ])
    }

    @Test func skipsMalformedEntriesWithAReport() throws {
        var reports: [String] = []
        let body =
            #"[{"code":"600519","price":-1,"prev_close":1},{"code":"AAPL","price":229,"prev_close":228,"quote_time":"yesterday"},{"code":"AAPL","price":230,"prev_close":228}]"#
        let quotes = try source(body: body) { reports.append($0) }.quotes(for: stocks, now: now)
        #expect(reports.count == 2)
        #expect(quotes.map(\.price) == [230])
        #expect(quotes[0].quoteTime == now, "a quote without a time is stamped with the pull time")
    }

    @Test(arguments: ["<html>oops</html>", #"{"quotes":[]}"#, #"{"data":5}"#])
    func rejectsDocumentsWithoutQuotes(body: String) {
        #expect(throws: QuoteSourceError.self) { try source(path: "data", body: body).quotes(for: stocks, now: now) }
    }

    @Test func rejectsBadMappings() {
        #expect(throws: QuoteSourceError.self) { try HTTPQuoteSource.FieldMapping(spec: "colour=red") }
        #expect(throws: QuoteSourceError.self) { try HTTPQuoteSource.FieldMapping(spec: "price") }
    }
}
