import Market
import PushCore
import Reactor

/// When quotes count as stale: `STALE_AFTER` and where the market clock stands.
public struct StalenessPolicy: Sendable {
    /// µs without a newer quote time in an open market.
    public var after: Int64
    /// `MarketHoursConfiguration.offsetMicros`: the market clock's lead on the wall clock.
    public var marketOffset: Int64

    public init(after: Int64, marketOffset: Int64) {
        self.after = after
        self.marketOffset = marketOffset
    }
}

/// Publishing's shell, shared by the Redis publisher and the benchmark feed: runs the
/// pure `TickBuilder` over each tick's candidates, shares the new board, and hands the
/// tick to every loop's mailbox. Owned by one thread.
final class TickFanOut {
    let shared: PushShared
    let loops: [EventLoopHandle]
    private let mailboxes: [TickMailbox]
    private let staleness: StalenessPolicy?
    private var builder = TickBuilder()
    private var catalogVersion = -1

    init(shared: PushShared, loops: [EventLoopHandle], staleness: StalenessPolicy? = nil) {
        self.shared = shared
        self.loops = loops
        self.staleness = staleness
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
    /// diffed them) or, after a resync, everything in `latest`. `fresh`: they just came
    /// from the leader, so their ingest times feed the latency histograms (a resync's
    /// may be hours old). Returns the codes sent.
    @discardableResult
    func publish<Candidates: Sequence<Quote>>(_ candidates: Candidates, tick: Int64, fresh: Bool = true) -> [String] {
        let startedAt = MonotonicClock.now()
        // Taken once, before any message of the tick is built.
        let timestamp = WallClock.nowMicroseconds()
        let codes = builder.apply(candidates, tick: tick, staleness: stalenessCheck(at: timestamp))
        if fresh { observeLatency(codes, publishedAt: timestamp) }
        handOver(codes, tick: tick, timestamp: timestamp, startedAt: startedAt)
        shared.metrics.ticks.add(1)
        shared.metrics.quotesChanged.add(codes.count)
        return codes
    }

    /// Between ticks: flags the quotes that went stale because nothing arrived (and
    /// clears those whose market closed), sending each flip once. Returns the codes sent.
    @discardableResult
    func refreshStaleness() -> [String] {
        let startedAt = MonotonicClock.now()
        let timestamp = WallClock.nowMicroseconds()
        guard let check = stalenessCheck(at: timestamp) else { return [] }
        let codes = builder.refreshStaleness(check)
        if codes.isEmpty { return [] }
        handOver(codes, tick: builder.board.tick, timestamp: timestamp, startedAt: startedAt)
        return codes
    }

    private func handOver(_ codes: [String], tick: Int64, timestamp: Int64, startedAt: UInt64) {
        let board = builder.board
        shared.setBoard(board)
        // Before any loop sends the tick: a client that sees a flag flip and then asks
        // /metrics must find it counted.
        let metrics = shared.metrics
        metrics.staleQuotes.add(builder.staleCodes.count - metrics.staleQuotes.current)
        metrics.wentStale.add(builder.wentStale - metrics.wentStale.current)
        metrics.recovered.add(builder.recovered - metrics.recovered.current)
        let update = TickUpdate(tick: tick, timestamp: timestamp, changed: codes, board: board, startedAt: startedAt)
        let logger = shared.logger
        let report =
            logger.isEnabled(.debug) && !codes.isEmpty
            ? TickReport(tick: tick, changed: codes.count, startedAt: startedAt, loops: mailboxes.count, logger: logger) : nil
        for mailbox in mailboxes { mailbox.post(update, report: report) }
        shared.metrics.recordTick(.init(tick: tick, timestamp: timestamp, quotes: board.quotes.count, changed: codes.count))
    }

    /// The markets open now, from the catalog's calendar at the market clock's instant.
    private func stalenessCheck(at now: Int64) -> StalenessCheck? {
        guard let staleness else { return nil }
        var open: [String: Int64] = [:]
        for (market, state) in builder.catalog.clock.states(at: now + staleness.marketOffset) where state.status == .open {
            open[market] = (state.since ?? 0) - staleness.marketOffset
        }
        return StalenessCheck(now: now, after: staleness.after, openSince: open)
    }

    /// Source→ingest and ingest→publish, per quote sent: where a late price lost its time.
    private func observeLatency(_ codes: [String], publishedAt timestamp: Int64) {
        let quotes = builder.board.quotes
        for code in codes {
            // A stale quote's time went into its flag, not into delivery.
            guard let quote = quotes[code], quote.ingestTime != 0, !builder.staleCodes.contains(code) else { continue }
            shared.metrics.sourceToIngest.observe(Double(max(0, quote.ingestTime - quote.quoteTime)) / 1e6)
            shared.metrics.ingestToPublish.observe(Double(max(0, timestamp - quote.ingestTime)) / 1e6)
        }
    }
}

@available(*, unavailable)
extension TickFanOut: Sendable {}
