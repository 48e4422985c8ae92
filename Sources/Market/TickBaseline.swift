/// What the quote store holds as of one tick: its number and every quote in `latest`.
/// The leader diffs each pull against it, so a tick message carries only the quotes
/// that changed, and `latest` stays exactly the sum of all messages; a publisher that
/// resynchronizes reads the same pair.
public struct TickBaseline: Sendable, Equatable {
    /// `P:tick`: the last tick written (0 before the first).
    public private(set) var tick: Int64
    /// `P:quotes:latest`, by code.
    public private(set) var quotes: [String: Quote]

    public init(tick: Int64, quotes: [String: Quote]) {
        self.tick = tick
        self.quotes = quotes
    }

    /// The next tick's message for `pulled`: the quotes that are new or differ for the
    /// store (`Quote.differsForStore`) from the stored ones, in pull order (a code pulled
    /// twice counts once, with its last quote), each stamped with `time` as its ingest
    /// time. Codes too long to frame are dropped: no catalog stock has one.
    public func nextMessage(pulled: [Quote], at time: Int64) -> TickMessage {
        var changed: [Quote] = []
        var position: [String: Int] = [:]
        for var quote in pulled where quote.code.utf8.count <= TickMessage.maxCodeLength {
            quote.ingestTime = time
            if let index = position[quote.code] {
                changed[index] = quote
                continue
            }
            if let stored = quotes[quote.code], !quote.differsForStore(from: stored) { continue }
            position[quote.code] = changed.count
            changed.append(quote)
        }
        return TickMessage(tick: tick + 1, at: time, quotes: changed)
    }

    /// The store after `message` was written.
    public mutating func apply(_ message: TickMessage) {
        tick = message.tick
        for quote in message.quotes { quotes[quote.code] = quote }
    }
}
