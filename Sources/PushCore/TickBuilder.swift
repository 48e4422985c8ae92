import JSON
import Market
import PushProtocol

/// The diff behind each tick, pure: keeps the quotes last published, takes the next
/// candidates (a tick message's changes, or all of `latest` after a resync), keeps those
/// that differ for subscribers on active stocks, encodes each once and builds the new
/// board. The publisher thread owns one and hands its boards to every loop.
public struct TickBuilder {
    public private(set) var board = QuoteBoard.empty
    public private(set) var catalog = Catalog.empty
    /// The diff baseline: the last quote sent per stock.
    private var published: [String: Quote] = [:]
    private var writer = JSONWriter()

    public init() {}

    /// A new catalog changes names and activity: every held quote's fragment is encoded
    /// again (inactive stocks drop out). The tick number stays.
    public mutating func catalogChanged(_ catalog: Catalog) {
        self.catalog = catalog
        var fragments: [String: QuoteFragment] = [:]
        for (code, quote) in board.quotes {
            guard let stock = catalog.stocks[code], stock.active else { continue }
            fragments[code] = QuoteFragmentEncoder.encode(quote, stock: stock, writer: &writer)
        }
        board = QuoteBoard(tick: board.tick, quotes: board.quotes, fragments: fragments)
    }

    /// Applies `candidates` as tick `tick` and returns the codes that changed, sorted;
    /// `board` is the new board. A quote equal (for subscribers) to the one last sent,
    /// or of a stock unknown or inactive here, is not a change.
    public mutating func apply<Candidates: Sequence<Quote>>(_ candidates: Candidates, tick: Int64) -> [String] {
        var changed: [String] = []
        var quotes = board.quotes
        var fragments = board.fragments
        for quote in candidates {
            guard let stock = catalog.stocks[quote.code], stock.active else { continue }
            if let previous = published[quote.code], !quote.differsForSubscribers(from: previous) { continue }
            changed.append(quote.code)
            quotes[quote.code] = quote
            fragments[quote.code] = QuoteFragmentEncoder.encode(quote, stock: stock, writer: &writer)
            published[quote.code] = quote
        }
        changed.sort()
        board = QuoteBoard(tick: tick, quotes: quotes, fragments: fragments)
        return changed
    }
}
