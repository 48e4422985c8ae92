import Market
import Redis

/// The quote store in Redis (layout in `QuoteStoreLayout`). Not Sendable: each worker
/// thread builds its own over its own `RedisClient`.
public final class RedisQuoteStore: QuoteSink, LeaderLock {
    public let layout: QuoteStoreLayout
    private let client: RedisClient

    public init(client: RedisClient, layout: QuoteStoreLayout) {
        self.client = client
        self.layout = layout
    }

    /// Writes the tick with one EVAL (HSETs, INCR and PUBLISH happen atomically) if
    /// the store is still at `message.tick - 1`. The message is encoded here, once: the
    /// script stores its records' quote bytes in `latest` and publishes it whole.
    public func writeTick(_ message: TickMessage) throws -> TickWrite {
        let arguments: [[UInt8]] = [
            Array("EVAL".utf8), Array(QuoteStoreLayout.writeTickScript.utf8), Array("2".utf8),
            Array(layout.latestQuotes.utf8), Array(layout.tickSequence.utf8),
            Array(layout.tickChannel.utf8), Array(String(message.tick - 1).utf8), message.encoded(),
        ]
        let reply = try client.withConnection { try $0.command(arguments) }
        guard let result = reply.array, result.count == 2, let written = result[0].int, let tick = result[1].int else {
            throw RedisError.unexpectedReply(expected: "[written, tick]", got: "\(reply)")
        }
        return written == 1 ? .written : .superseded(storeTick: Int64(tick))
    }

    /// The tick number and every latest quote, read atomically (MULTI/EXEC): what a
    /// new leader diffs against and what a publisher resynchronizes to. Entries that
    /// fail to decode are skipped (the leader then writes them anew).
    public func readBaseline() throws -> TickBaseline {
        let commands = layout.readBaselineCommands.map { $0.map { Array($0.utf8) } }
        let replies: [RedisValue]
        do {
            replies = try client.withConnection { try $0.transaction(commands) }
        } catch let error as RedisError where error.closesConnection {
            // A read is safe to repeat: a connection found dead (Redis restarted, or a
            // failover replaced the primary) is replaced once instead of failing the resync.
            replies = try client.withConnection { try $0.transaction(commands) }
        }
        guard replies.count == 2, let items = replies[1].array else {
            throw RedisError.unexpectedReply(expected: "tick and latest quotes", got: "\(replies)")
        }
        let tick: Int
        if case .null = replies[0] {
            tick = 0
        } else if let number = replies[0].int {
            tick = number
        } else {
            throw RedisError.unexpectedReply(expected: "tick number", got: "\(replies[0])")
        }
        var quotes: [String: Quote] = [:]
        quotes.reserveCapacity(items.count / 2)
        var index = 0
        while index + 1 < items.count {
            if let bytes = items[index + 1].bytes, let quote = try? QuoteCodec.decode(bytes) { quotes[quote.code] = quote }
            index += 2
        }
        return TickBaseline(tick: Int64(tick), quotes: quotes)
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
