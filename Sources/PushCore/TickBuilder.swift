import JSON
import Market
import PushProtocol

/// The diff behind each tick, pure: keeps the quotes last published, takes the next
/// candidates (a tick message's changes, or all of `latest` after a resync), keeps those
/// that differ for subscribers on active stocks, encodes each once and builds the new
/// board. It also judges staleness (time passed in as a `StalenessCheck`): a quote whose
/// flag flips is a change too, sent once with `"stale":true` and once without. The
/// publisher thread owns one and hands its boards to every loop.
public struct TickBuilder {
    public private(set) var board = QuoteBoard.empty
    public private(set) var catalog = Catalog.empty
    /// The codes whose quote is stale now.
    public private(set) var staleCodes: Set<String> = []
    /// How many times a quote went stale, and recovered, since start.
    public private(set) var wentStale = 0
    public private(set) var recovered = 0
    /// The newest quote time heard per stock, also from quotes that moved nothing.
    private var quotedAt: [String: Int64] = [:]
    /// The catalog's active stocks, each with its fragment prefix encoded once.
    private var active: [String: ActiveStock] = [:]
    private var writer = JSONWriter()

    private struct ActiveStock {
        let stock: Stock
        let prefix: QuoteFragmentPrefix
    }

    public init() {}

    /// A new catalog changes names and activity: every held quote's fragment is encoded
    /// again (inactive stocks drop out). The tick number stays.
    public mutating func catalogChanged(_ catalog: Catalog) {
        self.catalog = catalog
        active = [:]
        for (code, stock) in catalog.stocks where stock.active {
            active[code] = ActiveStock(stock: stock, prefix: QuoteFragmentPrefix(code: code, stock: stock))
        }
        var fragments: [String: QuoteFragment] = [:]
        for (code, quote) in board.quotes {
            guard let entry = active[code] else { continue }
            fragments[code] = encode(quote, entry)
        }
        staleCodes = staleCodes.filter { fragments[$0] != nil }
        board = QuoteBoard(tick: board.tick, quotes: board.quotes, fragments: fragments)
    }

    /// Applies `candidates` as tick `tick` and returns the codes that changed, sorted;
    /// `board` is the new board. A quote equal (for subscribers) to the one last sent,
    /// or of a stock unknown or inactive here, is not a change, unless `staleness` flips
    /// its flag (nil: flags stay as they are).
    public mutating func apply<Candidates: Sequence<Quote>>(
        _ candidates: Candidates, tick: Int64, staleness: StalenessCheck? = nil
    ) -> [String] {
        var changed: [String] = []
        var quotes = board.quotes
        var fragments = board.fragments
        for quote in candidates {
            let code = quote.code
            guard let entry = active[code] else { continue }
            // One lookup each (a modify, an index), not a get and a set: hashing the
            // code was most of a tick's cost besides encoding.
            Self.raise(&quotedAt[code, default: .min], to: quote.quoteTime)
            // The diff baseline: the last quote sent (the board holds exactly those).
            let slot = quotes.index(forKey: code)
            let previous = slot.map { quotes.values[$0] }
            let moved = previous.map { quote.differsForSubscribers(from: $0) } ?? true
            let flipped = staleness.map { flag(code, stale: isStale(code, market: entry.stock.market, $0)) } ?? false
            guard moved || flipped else { continue }
            // A recovery with the same figures still shows the newer quote time.
            let sent = previous.map { moved || quote.quoteTime > $0.quoteTime ? quote : $0 } ?? quote
            changed.append(code)
            if let slot { quotes.values[slot] = sent } else { quotes[code] = sent }
            fragments[code] = encode(sent, entry)
        }
        changed.sort()
        board = QuoteBoard(tick: tick, quotes: quotes, fragments: fragments)
        return changed
    }

    /// Judges every held quote at `check` (between ticks: a quote goes stale because
    /// nothing arrives) and returns the codes whose flag flipped, sorted; their fragments
    /// are encoded again on a new board with the same tick number.
    public mutating func refreshStaleness(_ check: StalenessCheck) -> [String] {
        var changed: [String] = []
        var fragments = board.fragments
        for (code, quote) in board.quotes {
            guard let entry = active[code], flag(code, stale: isStale(code, market: entry.stock.market, check))
            else { continue }
            fragments[code] = encode(quote, entry)
            changed.append(code)
        }
        guard !changed.isEmpty else { return [] }
        changed.sort()
        board = QuoteBoard(tick: board.tick, quotes: board.quotes, fragments: fragments)
        return changed
    }

    /// Stale: the market is open, and neither the last quote nor the session's opening
    /// is more recent than `check.after` ago (so an opening bell flags nothing at once).
    private func isStale(_ code: String, market: String, _ check: StalenessCheck) -> Bool {
        guard let openedAt = check.openSince[market] else { return false }
        return check.now - max(quotedAt[code] ?? .min, openedAt) > check.after
    }

    /// Records `stale` for `code`; true when that flips its flag.
    private mutating func flag(_ code: String, stale: Bool) -> Bool {
        guard stale != staleCodes.contains(code) else { return false }
        if stale {
            staleCodes.insert(code)
            wentStale += 1
        } else {
            staleCodes.remove(code)
            recovered += 1
        }
        return true
    }

    private static func raise(_ time: inout Int64, to newer: Int64) {
        if newer > time { time = newer }
    }

    private mutating func encode(_ quote: Quote, _ entry: ActiveStock) -> QuoteFragment {
        // No stale quotes (the usual case): no set lookup.
        let stale = !staleCodes.isEmpty && staleCodes.contains(quote.code)
        return QuoteFragmentEncoder.encode(quote, stock: entry.stock, prefix: entry.prefix, stale: stale, writer: &writer)
    }
}

/// What staleness is judged against at one instant, passed in so the builder stays pure.
public struct StalenessCheck: Sendable, Equatable {
    /// The wall clock now, µs since the epoch.
    public var now: Int64
    /// A quote older than this (µs) in an open market is stale (`STALE_AFTER`).
    public var after: Int64
    /// The markets open now, each with when its current session opened (wall µs).
    public var openSince: [String: Int64]

    public init(now: Int64, after: Int64, openSince: [String: Int64]) {
        self.now = now
        self.after = after
        self.openSince = openSince
    }
}
