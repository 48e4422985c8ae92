import Market
import Redis
import Server
import Synchronization
import Telemetry
import TestSupport
import Testing

@testable import StockPush

/// A catalog the test swaps, as an admin's change would.
final class SwappableCatalog: CatalogProvider {
    private let current: Mutex<Catalog>
    init(_ catalog: Catalog) { current = Mutex(catalog) }
    var catalog: Catalog { current.withLock { $0 } }
    func swap(_ catalog: Catalog) { current.withLock { $0 = catalog } }
}

/// The publisher against a Redis of its own (so its command counts are this test's):
/// it fans out what tick messages carry and reads `latest` only at start, after a
/// skipped tick number or an unreadable message.
@Suite struct PricePublisherTests {
    let catalog = FixedCatalog(Self.catalog(xActive: false, version: 1))

    /// A and B, and X whose listing the tests switch on and off.
    static func catalog(xActive: Bool, version: Int) -> Catalog {
        Catalog(
            markets: [MarketInfo(code: "US", name: "US", timezone: "America/New_York", currency: "USD")],
            stocks: [
                Stock(code: "A", name: "Alpha", market: "US", referencePrice: 10),
                Stock(code: "B", name: "Beta", market: "US", referencePrice: 20),
                Stock(code: "X", name: "Relisted", market: "US", referencePrice: 30, active: xActive),
            ],
            strategies: [:], version: version)
    }

    func quote(_ code: String, _ price: Double) -> Quote {
        Quote(code: code, price: price, prevClose: 10, volume: 100, turnover: price * 100, quoteTime: 1_763_720_999_000_000)
    }

    /// Reads of `latest` so far: the publisher's resync is the only HGETALL sent.
    func latestReads(_ connection: RedisConnection) throws -> Int {
        let info = try connection.command("INFO", "commandstats").string ?? ""
        guard let line = info.split(whereSeparator: \.isNewline).first(where: { $0.hasPrefix("cmdstat_hgetall:") }),
            let calls = line.split(separator: ",").first?.split(separator: "=").last
        else { return 0 }
        return Int(calls) ?? 0
    }

    func publish(_ message: TickMessage, _ layout: QuoteStoreLayout, on connection: RedisConnection) throws {
        try connection.command([Array("PUBLISH".utf8), Array(layout.tickChannel.utf8), message.encoded()])
    }

    func store(_ quotes: [Quote], tick: Int64, _ layout: QuoteStoreLayout, on connection: RedisConnection) throws {
        for quote in quotes {
            try connection.command([
                Array("HSET".utf8), Array(layout.latestQuotes.utf8), Array(quote.code.utf8), QuoteCodec.encode(quote),
            ])
        }
        try connection.command("SET", layout.tickSequence, String(tick))
    }

    /// A publisher on `redis` with no loops: what it publishes shows on `shared.board`.
    func startPublisher(
        _ redis: PrivateRedisServer, _ layout: QuoteStoreLayout, catalog: any CatalogProvider
    ) throws -> (PushShared, PricePublisher) {
        let shared = PushShared(configuration: PushConfiguration(), heartbeatInterval: 30)
        let publisher = PricePublisher()
        try publisher.start(
            redis: .url(RedisURL(redis.url())), layout: layout, shared: shared, loops: [], catalog: catalog,
            health: DependencyHealth(), logger: Logger(label: "test", minimumLevel: .error))
        return (shared, publisher)
    }

    @Test func ticksGoOutFromTheirMessagesAndAGapCostsOneRead() throws {
        let redis = try PrivateRedisServer()
        let layout = QuoteStoreLayout(prefix: "pub")
        let connection = try RedisConnection.connect(RedisURL(redis.url()))
        defer { connection.close() }
        try store([quote("A", 10), quote("B", 20), quote("X", 30)], tick: 5, layout, on: connection)
        let (shared, publisher) = try startPublisher(redis, layout, catalog: catalog)
        defer { publisher.stop() }
        func reached(_ tick: Int64) -> Bool { TestEnvironment.eventually(within: 5) { shared.board.tick == tick } }

        #expect(reached(5), "the start resync publishes what `latest` holds")
        #expect(shared.board.quotes == ["A": quote("A", 10), "B": quote("B", 20)], "inactive X is left out")
        #expect(try latestReads(connection) == 1)

        // Only the message holds these prices: `latest` still has the old ones.
        try publish(TickMessage(tick: 6, at: 1, quotes: [quote("A", 11), quote("X", 31)]), layout, on: connection)
        #expect(reached(6))
        #expect(shared.board.quotes["A"] == quote("A", 11) && shared.board.quotes["X"] == nil)
        #expect(shared.metrics.lastTick?.changed == 1)
        try publish(TickMessage(tick: 7, at: 2, quotes: [quote("B", 21)]), layout, on: connection)
        #expect(reached(7))
        #expect(shared.board.quotes["B"] == quote("B", 21))
        #expect(try latestReads(connection) == 1, "no read of `latest` per tick")

        // Tick 8 is never heard; its change (A to 12) is only in `latest`.
        try store([quote("A", 12), quote("B", 22)], tick: 9, layout, on: connection)
        try publish(TickMessage(tick: 9, at: 4, quotes: [quote("B", 22)]), layout, on: connection)
        #expect(reached(9))
        #expect(shared.board.quotes == ["A": quote("A", 12), "B": quote("B", 22)])
        #expect(try latestReads(connection) == 2, "the skipped number caused exactly one resync")

        try publish(TickMessage(tick: 10, at: 5, quotes: [quote("A", 13)]), layout, on: connection)
        #expect(reached(10))
        #expect(shared.board.quotes["A"] == quote("A", 13))
        #expect(try latestReads(connection) == 2)
    }

    @Test func anUnreadableMessageCostsOneResyncAndNothingElse() throws {
        let redis = try PrivateRedisServer()
        let layout = QuoteStoreLayout(prefix: "junk")
        let connection = try RedisConnection.connect(RedisURL(redis.url()))
        defer { connection.close() }
        try store([quote("A", 10)], tick: 1, layout, on: connection)
        let (shared, publisher) = try startPublisher(redis, layout, catalog: catalog)
        defer { publisher.stop() }
        #expect(TestEnvironment.eventually(within: 5) { shared.board.tick == 1 })
        try connection.command("PUBLISH", layout.tickChannel, #"{"tick":2,"at":"2026-01-01T00:00:00Z","count":1}"#)
        #expect(TestEnvironment.eventually(within: 5) { (try? latestReads(connection)) == 2 })
        try publish(TickMessage(tick: 2, at: 1, quotes: [quote("A", 11)]), layout, on: connection)
        #expect(TestEnvironment.eventually(within: 5) { shared.board.tick == 2 })
        #expect(shared.board.quotes["A"] == quote("A", 11), "the publisher still follows the ticks")
    }

    /// Ticks carry changes only, and X's quote came while X was inactive: when X is
    /// listed again its quote must come from `latest`.
    @Test func aStockThatBecomesActiveGetsItsQuoteFromLatest() throws {
        let redis = try PrivateRedisServer()
        let layout = QuoteStoreLayout(prefix: "relist")
        let connection = try RedisConnection.connect(RedisURL(redis.url()))
        defer { connection.close() }
        try store([quote("A", 10), quote("X", 30)], tick: 3, layout, on: connection)
        let swappable = SwappableCatalog(Self.catalog(xActive: false, version: 1))
        let (shared, publisher) = try startPublisher(redis, layout, catalog: swappable)
        defer { publisher.stop() }
        #expect(TestEnvironment.eventually(within: 5) { shared.board.tick == 3 })
        #expect(shared.board.quotes["X"] == nil)
        swappable.swap(Self.catalog(xActive: true, version: 2))
        #expect(TestEnvironment.eventually(within: 5) { shared.board.quotes["X"] == quote("X", 30) })
        #expect(shared.board.fragments["X"] != nil, "and clients get it in snapshots")
    }
}
