import Testing
import Time

@testable import Market

@Suite struct FileQuoteSourceTests {
    let csv = """
        quote_time,code,price,prev_close,volume,turnover
        2026-11-20T01:30:00Z,600519,1580.00,1575.00,100,158000
        2026-11-20T01:30:00Z,000858,128.50,127.00,200,25700
        2026-11-20T01:30:10Z,600519,1581.50,1575.00,300,474450
        not-a-time,600519,1,1,1,1
        2026-11-20T01:30:20Z,000858,,127.00,400,51400
        2026-11-20T01:30:30Z,000858,129.00,127.00,600,77200
        """
    let stocks = [
        Stock(code: "600519", name: "贵州茅台", market: "SH", referencePrice: 1580),
        Stock(code: "000858", name: "五粮液", market: "SZ", referencePrice: 128),
    ]
    let second: Int64 = 1_000_000
    let now: Int64 = 1_800_000_000_000_000

    @Test func replaysRowsAsTheirTimeComesAtTheChosenSpeed() throws {
        var skipped: [Int] = []
        let source = try FileQuoteSource(csv: csv, speed: 2, loops: false) { skipped.append($0.line) }
        #expect(skipped == [5, 6])
        var quotes = try source.quotes(for: stocks, now: now)
        #expect(quotes.map(\.price) == [1580.00, 128.50])
        #expect(quotes.allSatisfy { $0.quoteTime == now })
        quotes = try source.quotes(for: stocks, now: now + 4 * second)  // 8 recorded seconds
        #expect(quotes.map(\.price) == [1580.00, 128.50])
        quotes = try source.quotes(for: stocks, now: now + 5 * second)  // 10 recorded seconds
        #expect(quotes.first { $0.code == "600519" }?.price == 1581.50)
        #expect(quotes.first { $0.code == "600519" }?.quoteTime == now + 5 * second)
        quotes = try source.quotes(for: stocks, now: now + 60 * second)
        #expect(quotes.first { $0.code == "000858" }?.price == 129.00)
        #expect(quotes.first { $0.code == "000858" }?.volume == 600)
    }

    @Test func loopsBackToTheStart() throws {
        let source = try FileQuoteSource(csv: csv, speed: 10, loops: true)
        _ = try source.quotes(for: stocks, now: now)
        var quotes = try source.quotes(for: stocks, now: now + 3 * second)  // past the 30 s recording
        #expect(quotes.first { $0.code == "000858" }?.price == 129.00)
        quotes = try source.quotes(for: stocks, now: now + 4 * second)
        // The second lap began: the 01:30:00 rows are current again.
        #expect(quotes.first { $0.code == "600519" }?.price == 1580.00)
        #expect(quotes.allSatisfy { $0.quoteTime <= now + 4 * second })
    }

    @Test func rejectsFilesWithoutTheRequiredColumnsOrRows() {
        #expect(throws: FileQuoteSource.ParseError.self) { try FileQuoteSource(csv: "code,price\n1,2") }
        #expect(throws: FileQuoteSource.ParseError.self) { try FileQuoteSource(csv: "") }
        #expect(throws: FileQuoteSource.ParseError.self) {
            try FileQuoteSource(csv: "quote_time,code,price,prev_close,volume,turnover\nbad,row,,,,")
        }
    }
}
