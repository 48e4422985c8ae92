import Market
import PushCore
import Reactor

/// Publishing's shell, shared by the Redis publisher and the benchmark feed: runs the
/// pure `TickBuilder` over each tick's candidates, shares the new board, and hands the
/// tick to every loop's mailbox. Owned by one thread.
final class TickFanOut {
    let shared: PushShared
    let loops: [EventLoopHandle]
    private let mailboxes: [TickMailbox]
    private var builder = TickBuilder()
    private var catalogVersion = -1

    init(shared: PushShared, loops: [EventLoopHandle]) {
        self.shared = shared
        self.loops = loops
        mailboxes = loops.map { TickMailbox(handle: $0) }
    }

    /// A reload changes names and coverage: loops re-resolve, fragments re-encode. Until
    /// the first load there is nothing to hand on: loops keep holding subscribes rather
    /// than resolving them against an empty catalog.
    func catalogChanged(_ catalog: Catalog) {
        guard catalog.isLoaded, catalog.version != catalogVersion else { return }
        catalogVersion = catalog.version
        shared.setCatalog(catalog)
        for handle in loops {
            handle.execute { loop in loop.attached(LoopPush.self)?.catalogChanged(catalog) }
        }
        builder.catalogChanged(catalog)
        let board = builder.board
        shared.setBoard(board)
        let update = TickUpdate(tick: board.tick, timestamp: 0, changed: [], board: board, startedAt: 0)
        for mailbox in mailboxes { mailbox.post(update) }
    }

    /// Publishes one tick of `candidates`: a tick message's changes (the leader already
    /// diffed them) or, after a resync, everything in `latest`. Returns the codes sent.
    @discardableResult
    func publish<Candidates: Sequence<Quote>>(_ candidates: Candidates, tick: Int64) -> [String] {
        let startedAt = MonotonicClock.now()
        // Taken once, before any message of the tick is built.
        let timestamp = WallClock.nowMicroseconds()
        let codes = builder.apply(candidates, tick: tick)
        let board = builder.board
        shared.setBoard(board)
        let update = TickUpdate(tick: tick, timestamp: timestamp, changed: codes, board: board, startedAt: startedAt)
        let logger = shared.logger
        let report =
            logger.isEnabled(.debug) && !codes.isEmpty
            ? TickReport(tick: tick, changed: codes.count, startedAt: startedAt, loops: mailboxes.count, logger: logger) : nil
        for mailbox in mailboxes { mailbox.post(update, report: report) }
        shared.metrics.ticks.add(1)
        shared.metrics.quotesChanged.add(codes.count)
        shared.metrics.recordTick(
            .init(tick: tick, timestamp: timestamp, quotes: board.quotes.count, changed: codes.count))
        return codes
    }
}

@available(*, unavailable)
extension TickFanOut: Sendable {}
