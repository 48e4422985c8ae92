import JSON
import Market
import PushCore
import PushProtocol
import Reactor

/// The diff-and-dispatch core of publishing, shared by the Redis publisher and the
/// benchmark feed: compares the latest quotes with the last published ones, encodes
/// each changed quote once, swaps in a new board and hands the tick to every loop.
/// Owned by one thread.
final class TickFanOut {
    let shared: PushShared
    let loops: [EventLoopHandle]
    private let mailboxes: [TickMailbox]
    private var published: [String: Quote] = [:]
    private var board = QuoteBoard.empty
    private var catalog = Catalog.empty
    private var catalogVersion = -1
    private var writer = JSONWriter()

    init(shared: PushShared, loops: [EventLoopHandle]) {
        self.shared = shared
        self.loops = loops
        mailboxes = loops.map { TickMailbox(handle: $0) }
    }

    /// A reload changes names and coverage: loops re-resolve, fragments re-encode.
    func catalogChanged(_ catalog: Catalog) {
        guard catalog.version != catalogVersion else { return }
        catalogVersion = catalog.version
        self.catalog = catalog
        shared.setCatalog(catalog)
        for handle in loops {
            handle.execute { loop in loop.attached(LoopPush.self)?.catalogChanged(catalog) }
        }
        var fragments: [String: QuoteFragment] = [:]
        for (code, quote) in board.quotes {
            guard let stock = catalog.stocks[code], stock.active else { continue }
            fragments[code] = QuoteFragmentEncoder.encode(quote, stock: stock, writer: &writer)
        }
        swapBoard(QuoteBoard(tick: board.tick, quotes: board.quotes, fragments: fragments))
    }

    private func swapBoard(_ board: QuoteBoard) {
        self.board = board
        shared.setBoard(board)
        let update = TickUpdate(tick: board.tick, timestamp: 0, changed: [], board: board, startedAt: 0)
        for mailbox in mailboxes { mailbox.post(update) }
    }

    /// Publishes one tick; returns the quotes that changed (now the diff baseline).
    @discardableResult
    func publish(latest: [String: Quote], tick: Int64) -> [Quote] {
        let startedAt = MonotonicClock.now()
        // Taken once, before any message of the tick is built.
        let timestamp = WallClock.nowMicroseconds()
        var changed: [Quote] = []
        var quotes = board.quotes
        var fragments = board.fragments
        for (code, quote) in latest {
            guard let stock = catalog.stocks[code], stock.active else { continue }
            if let previous = published[code], !quote.differsForSubscribers(from: previous) { continue }
            changed.append(quote)
            quotes[code] = quote
            fragments[code] = QuoteFragmentEncoder.encode(quote, stock: stock, writer: &writer)
            published[code] = quote
        }
        let codes = changed.map(\.code).sorted()
        board = QuoteBoard(tick: tick, quotes: quotes, fragments: fragments)
        shared.setBoard(board)
        let update = TickUpdate(tick: tick, timestamp: timestamp, changed: codes, board: board, startedAt: startedAt)
        for mailbox in mailboxes { mailbox.post(update) }
        shared.metrics.ticks.add(1)
        shared.metrics.quotesChanged.add(codes.count)
        shared.metrics.recordTick(.init(tick: tick, timestamp: timestamp, quotes: latest.count, changed: codes.count))
        return changed
    }

    /// Publishes one tick whose changes the leader already diffed (a `TickMessage`): no
    /// map of every quote is walked. Inactive stocks are still dropped here (this
    /// instance's catalog), and a quote equal to the one last sent is skipped, which
    /// keeps `published` right for a later `publish(latest:tick:)` resync.
    @discardableResult
    func publish(changed: [Quote], tick: Int64) -> [Quote] {
        let startedAt = MonotonicClock.now()
        let timestamp = WallClock.nowMicroseconds()
        var sent: [Quote] = []
        var quotes = board.quotes
        var fragments = board.fragments
        for quote in changed {
            guard let stock = catalog.stocks[quote.code], stock.active else { continue }
            if let previous = published[quote.code], !quote.differsForSubscribers(from: previous) { continue }
            sent.append(quote)
            quotes[quote.code] = quote
            fragments[quote.code] = QuoteFragmentEncoder.encode(quote, stock: stock, writer: &writer)
            published[quote.code] = quote
        }
        let codes = sent.map(\.code).sorted()
        board = QuoteBoard(tick: tick, quotes: quotes, fragments: fragments)
        shared.setBoard(board)
        let update = TickUpdate(tick: tick, timestamp: timestamp, changed: codes, board: board, startedAt: startedAt)
        for mailbox in mailboxes { mailbox.post(update) }
        shared.metrics.ticks.add(1)
        shared.metrics.quotesChanged.add(codes.count)
        shared.metrics.recordTick(.init(tick: tick, timestamp: timestamp, quotes: quotes.count, changed: codes.count))
        return sent
    }
}

@available(*, unavailable)
extension TickFanOut: Sendable {}
