import Market
import Redis
import Telemetry
import TestSupport
import Testing

@testable import StockPush

/// The quote store's tick write and baseline read against a real Redis.
@Suite struct RedisQuoteStoreTests {
    let apple = Quote(code: "AAPL", price: 230.1, prevClose: 229, volume: 100, turnover: 23_010, quoteTime: 1_763_720_999_500_000)
    let moutai = Quote(
        code: "600519", price: 1850.5, prevClose: 1805.4, volume: 9, turnover: 16_654.5, quoteTime: 1_763_720_999_000_000)

    /// A store over its own client; close the client when done.
    func store(_ layout: QuoteStoreLayout) throws -> (RedisQuoteStore, RedisClient) {
        let client = RedisClient(url: try RedisURL(TestEnvironment.redisURL), log: { _ in })
        return (RedisQuoteStore(client: client, layout: layout), client)
    }

    @Test func aTickIsStoredAndPublishedAsTheLeaderEncodedIt() throws {
        let url = try RedisURL(TestEnvironment.redisURL)
        let layout = QuoteStoreLayout(prefix: TestEnvironment.uniqueName("store"))
        let (store, client) = try store(layout)
        defer { client.close() }
        let subscriber = try RedisSubscriber.connect(url)
        defer { subscriber.close() }
        try subscriber.subscribe([layout.tickChannel])
        #expect(try store.readBaseline() == TickBaseline(tick: 0, quotes: [:]))

        let first = TickMessage(tick: 1, at: 7, quotes: [apple, moutai])
        #expect(try store.writeTick(first) == .written)
        #expect(try subscriber.nextMessage(timeoutSeconds: 5)?.payload == first.encoded())
        let connection = try RedisConnection.connect(url)
        defer { connection.close() }
        #expect(try connection.command("HGET", layout.latestQuotes, "AAPL").bytes == QuoteCodec.encode(apple))
        var changed = apple
        changed.price = 231
        let second = TickMessage(tick: 2, at: 8, quotes: [changed])
        #expect(try store.writeTick(second) == .written)
        #expect(try subscriber.nextMessage(timeoutSeconds: 5)?.payload == second.encoded())
        #expect(try store.readBaseline() == TickBaseline(tick: 2, quotes: ["AAPL": changed, "600519": moutai]))
    }

    @Test func aTickThatDoesNotFollowTheStoredOneWritesNothing() throws {
        let url = try RedisURL(TestEnvironment.redisURL)
        let layout = QuoteStoreLayout(prefix: TestEnvironment.uniqueName("stale"))
        let (store, client) = try store(layout)
        defer { client.close() }
        #expect(try store.writeTick(TickMessage(tick: 1, at: 1, quotes: [apple])) == .written)
        let subscriber = try RedisSubscriber.connect(url)
        defer { subscriber.close() }
        try subscriber.subscribe([layout.tickChannel])
        // A leader whose baseline is tick 4 while the store is at 1 (it restarted, say).
        #expect(try store.writeTick(TickMessage(tick: 5, at: 2, quotes: [moutai])) == .superseded(storeTick: 1))
        #expect(try subscriber.nextMessage(timeoutSeconds: 0.3) == nil, "nothing announced")
        #expect(try store.readBaseline() == TickBaseline(tick: 1, quotes: ["AAPL": apple]))
    }

    @Test func theScriptChecksEveryRecordBeforeWritingAny() throws {
        let url = try RedisURL(TestEnvironment.redisURL)
        let layout = QuoteStoreLayout(prefix: TestEnvironment.uniqueName("broken"))
        let connection = try RedisConnection.connect(url)
        defer { connection.close() }
        let whole = TickMessage(tick: 1, at: 1, quotes: [apple, moutai]).encoded()
        for broken in [Array(whole.dropLast()), whole + [0], Array("{\"tick\":1}".utf8)] {
            let arguments: [[UInt8]] = [
                Array("EVAL".utf8), Array(QuoteStoreLayout.writeTickScript.utf8), Array("2".utf8),
                Array(layout.latestQuotes.utf8), Array(layout.tickSequence.utf8), Array(layout.tickChannel.utf8),
                Array("0".utf8), broken,
            ]
            #expect(throws: RedisError.self) { try connection.command(arguments) }
        }
        #expect(try connection.command("EXISTS", layout.latestQuotes, layout.tickSequence).int == 0, "nothing written")
    }
}
