import Glibc
import HTTP1
import Market
import Reactor
import Server
import Telemetry
import TestSupport
import Testing

@testable import StockPush

/// The HTTP quote source against a real local HTTP server serving fixtures.
@Suite struct HTTPQuoteSourceIntegrationTests {
    static let fixture = """
        {"data":{"quotes":[
          {"symbol":"600519","last":"1850.50","preClose":1805.4,"vol":12345678,"amount":22845000000,"ts":"2026-11-21T10:29:59Z"},
          {"symbol":"AAPL","last":228.1,"preClose":227.0,"vol":5,"amount":1140.5,"ts":1763721000123},
          {"symbol":"BROKEN","last":"n/a","preClose":1}
        ]}}
        """

    func startFixtureServer() throws -> HTTPServer {
        var routes = Routes()
        routes.add(.get, "/quotes") { _, _ in .json(.ok, Self.fixture) }
        routes.add(.get, "/broken") { _, _ in .text(.internalServerError, "upstream exploded") }
        routes.add(.get, "/html") { _, _ in .text(.ok, "<html>maintenance</html>") }
        var configuration = ServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configuration.threads = 1
        return try HTTPServer(
            configuration: configuration, routes: routes, logger: Logger(label: "fixture", minimumLevel: .error))
    }

    let stocks = [
        Stock(code: "600519", name: "贵州茅台", market: "SH", referencePrice: 1580),
        Stock(code: "AAPL", name: "Apple Inc.", market: "US", referencePrice: 228),
    ]

    @Test func pullsAndMapsQuotesOverHTTP() throws {
        let server = try startFixtureServer()
        defer { server.shutdown(gracePeriod: 0) }
        let fetcher = try HTTPFetcher(url: "http://127.0.0.1:\(server.port)/quotes", timeout: 2)
        var skipped: [String] = []
        let source = HTTPQuoteSource(
            path: "data.quotes",
            mapping: try .init(spec: "code=symbol,price=last,prev_close=preClose,volume=vol,turnover=amount,quote_time=ts"),
            fetch: fetcher.get, skipped: { skipped.append($0) })
        let quotes = try source.quotes(for: stocks, now: 0)
        #expect(quotes.map(\.code) == ["600519", "AAPL"])
        #expect(quotes[0].price == 1850.5 && quotes[0].volume == 12_345_678)
        #expect(quotes[1].quoteTime == 1_763_721_000_123_000)
        #expect(skipped.count == 1, "the malformed entry is skipped with a report")
    }

    @Test func errorStatusesAndNonJSONFailThePull() throws {
        let server = try startFixtureServer()
        defer { server.shutdown(gracePeriod: 0) }
        let broken = try HTTPFetcher(url: "http://127.0.0.1:\(server.port)/broken", timeout: 2)
        #expect(throws: QuoteSourceError.badStatus(500)) { try broken.get() }
        let html = HTTPQuoteSource(
            fetch: try HTTPFetcher(url: "http://127.0.0.1:\(server.port)/html", timeout: 2).get, skipped: { _ in })
        #expect(throws: QuoteSourceError.self) { try html.quotes(for: stocks, now: 0) }
    }

    @Test func aSilentServerTimesOutAndAClosedPortIsUnreachable() throws {
        // A listener that never answers: the request must give up at the timeout.
        let silent = try Socket.listen(on: SocketAddress(host: "127.0.0.1", port: 0), reusePort: false)
        let port = try Socket.localAddress(silent.rawValue).port
        let fetcher = try HTTPFetcher(url: "http://127.0.0.1:\(port)/quotes", timeout: 0.3)
        let start = MonotonicSeconds.now()
        #expect(throws: QuoteSourceError.timeout(seconds: 0.3)) { try fetcher.get() }
        #expect(MonotonicSeconds.now() - start < 2)
        _ = silent
        let refusing = try ReservedPort()
        let closed = try HTTPFetcher(url: "http://127.0.0.1:\(refusing.port)/q", timeout: 1)
        #expect(throws: QuoteSourceError.self) { try closed.get() }
        withExtendedLifetime(refusing) {}
        #expect(throws: QuoteSourceError.self) { try HTTPFetcher(url: "https://feed.example/q", timeout: 1) }
    }
}
