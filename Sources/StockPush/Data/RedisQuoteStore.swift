import JSON
import Market
import Redis
import Time

/// The quote store in Redis (layout in `QuoteStoreLayout`). Not Sendable: each worker
/// thread builds its own over its own `RedisClient`.
public final class RedisQuoteStore: QuoteSink, LeaderLock {
    public let layout: QuoteStoreLayout
    private let client: RedisClient
    private var writer = JSONWriter()

    public init(client: RedisClient, layout: QuoteStoreLayout) {
        self.client = client
        self.layout = layout
    }

    /// Writes the tick with one EVAL: HSETs, INCR and PUBLISH happen atomically.
    public func writeTick(_ quotes: [Quote], at time: Int64) throws -> Int64 {
        var arguments: [[UInt8]] = [
            Array("EVAL".utf8), Array(QuoteStoreLayout.writeTickScript.utf8), Array("2".utf8),
            Array(layout.latestQuotes.utf8), Array(layout.tickSequence.utf8),
            Array(layout.tickChannel.utf8), Array(Timestamp.iso8601(microsecondsSinceEpoch: time).utf8),
        ]
        arguments.reserveCapacity(arguments.count + quotes.count * 2)
        for quote in quotes {
            writer.reset()
            QuoteCodec.encode(quote, into: &writer)
            arguments.append(Array(quote.code.utf8))
            arguments.append(writer.buffer.readableBytesArray)
        }
        let reply = try client.withConnection { try $0.command(arguments) }
        guard let tick = reply.int else { throw RedisError.unexpectedReply(expected: "tick number", got: "\(reply)") }
        return Int64(tick)
    }

    /// Every stored latest quote; entries that fail to decode are skipped.
    public func latestQuotes() throws -> [String: Quote] {
        try readHash(layout.latestQuotes)
    }

    public func publishedQuotes() throws -> [String: Quote] {
        try readHash(layout.publishedQuotes)
    }

    private func readHash(_ key: String) throws -> [String: Quote] {
        let reply = try client.withConnection { try $0.command("HGETALL", key) }
        var result: [String: Quote] = [:]
        let items = reply.array ?? []
        var index = 0
        while index + 1 < items.count {
            if let bytes = items[index + 1].bytes, let quote = try? QuoteCodec.decode(bytes) { result[quote.code] = quote }
            index += 2
        }
        return result
    }

    /// Any other command, through the reconnecting client.
    @discardableResult
    public func command(_ arguments: [[UInt8]]) throws -> RedisValue {
        try client.withConnection { try $0.command(arguments) }
    }

    public func lastTick() throws -> Int64 {
        let reply = try client.withConnection { try $0.command("GET", layout.tickSequence) }
        return Int64(reply.int ?? 0)
    }

    // MARK: LeaderLock

    public func acquireOrRenew(owner: String, ttlMilliseconds: Int) throws -> Bool {
        let reply = try client.withConnection(deadlineSeconds: 1) {
            try $0.command("EVAL", QuoteStoreLayout.acquireLockScript, "1", layout.schedulerLock, owner, String(ttlMilliseconds))
        }
        return reply.int == 1
    }

    public func release(owner: String) throws {
        _ = try client.withConnection(deadlineSeconds: 1) {
            try $0.command("EVAL", QuoteStoreLayout.releaseLockScript, "1", layout.schedulerLock, owner)
        }
    }
}

@available(*, unavailable)
extension RedisQuoteStore: Sendable {}
