import JSON
import Market
import PushProtocol
import Reactor
import Redis
import Retry
import Server
import Synchronization
import Time

/// Hears each tick on Redis, diffs the latest quotes against the last published ones,
/// serializes every changed quote once, and hands the tick to every loop. Runs on its
/// own thread (hiredis blocks); reconnects with backoff and resynchronizes after an
/// outage, so a Redis restart costs no updates beyond those missed while it was down.
public final class PricePublisher: Sendable {
    private let stopping = Atomic<Bool>(false)
    private let thread = Mutex<LoopThread?>(nil)

    public init() {}

    public func start(
        redisURL: RedisURL, layout: QuoteStoreLayout, shared: PushShared, loops: [EventLoopHandle],
        catalog: CatalogService, health: DependencyHealth, logger: Logger
    ) throws {
        let started = try LoopThread(name: "publisher") { [self] in
            var worker = Worker(
                redisURL: redisURL, layout: layout, shared: shared, loops: loops, catalog: catalog, logger: logger)
            var backoff = Backoff(initial: 0.1, maximum: 5, seed: UInt64(truncatingIfNeeded: MonotonicClock.now()))
            var outage = false
            while !stopping.load(ordering: .acquiring) {
                do {
                    let subscriber = try RedisSubscriber.connect(redisURL, timeoutSeconds: 2)
                    defer { subscriber.close() }
                    try subscriber.subscribe([layout.tickChannel])
                    if outage { logger.info("publisher: Redis at \(redisURL.redacted) is back; resynchronizing") }
                    outage = false
                    backoff.reset()
                    // Whatever changed while we were away (or before we started) goes out now.
                    try worker.publishLatest(tick: nil)
                    while !stopping.load(ordering: .acquiring) {
                        if let message = try subscriber.nextMessage(timeoutSeconds: 0.25) {
                            let announced = (try? JSONParser.parse(message.payload))?["tick"]?.intValue
                            try worker.publishLatest(tick: announced.map(Int64.init))
                        } else {
                            worker.refreshIfCatalogChanged()
                        }
                    }
                } catch {
                    if !outage {
                        logger.error("publisher: Redis at \(redisURL.redacted) unavailable: \(error); retrying with backoff")
                        outage = true
                    }
                    health.markDown(.redis, reason: "\(error)")
                    let delay = backoff.nextDelay()
                    let deadline = MonotonicClock.now() + UInt64(delay * 1e9)
                    while !stopping.load(ordering: .acquiring) && MonotonicClock.now() < deadline { usleepSeconds(0.05) }
                }
            }
        }
        thread.withLock { $0 = started }
    }

    public func stop() {
        stopping.store(true, ordering: .releasing)
        let running = thread.withLock { thread -> LoopThread? in
            defer { thread = nil }
            return thread
        }
        running?.join()
    }
}

/// The publisher thread's state: the diff baseline and the current board.
private struct Worker {
    let layout: QuoteStoreLayout
    let shared: PushShared
    let loops: [EventLoopHandle]
    let catalogService: CatalogService
    let logger: Logger
    let store: RedisQuoteStore
    var published: [String: Quote] = [:]
    var board = QuoteBoard.empty
    var catalogVersion = -1
    var writer = JSONWriter()

    init(
        redisURL: RedisURL, layout: QuoteStoreLayout, shared: PushShared, loops: [EventLoopHandle], catalog: CatalogService,
        logger: Logger
    ) {
        self.layout = layout
        self.shared = shared
        self.loops = loops
        catalogService = catalog
        self.logger = logger
        store = RedisQuoteStore(client: RedisClient(url: redisURL, log: { logger.warning("publisher: \($0)") }), layout: layout)
    }

    /// Catalog reloads change names and coverage: loops re-resolve, fragments re-encode.
    mutating func refreshIfCatalogChanged() {
        let catalog = catalogService.catalog
        guard catalog.version != catalogVersion else { return }
        catalogVersion = catalog.version
        shared.setCatalog(catalog)
        for handle in loops {
            handle.execute { loop in loop.attached(LoopPush.self)?.catalogChanged(catalog) }
        }
        // Re-encode every known quote under the new catalog (a renamed stock, a new one).
        let quotes = board.quotes
        var fragments: [String: QuoteFragment] = [:]
        for (code, quote) in quotes {
            guard let stock = catalog.stocks[code], stock.active else { continue }
            fragments[code] = QuoteFragmentEncoder.encode(quote, stock: stock, writer: &writer)
        }
        board = QuoteBoard(tick: board.tick, quotes: quotes, fragments: fragments)
        shared.setBoard(board)
        let snapshot = board
        for handle in loops {
            handle.execute { loop in
                loop.attached(LoopPush.self)?.publish(
                    TickUpdate(tick: snapshot.tick, timestamp: 0, changed: [], board: snapshot, startedAt: 0))
            }
        }
    }

    mutating func publishLatest(tick announced: Int64?) throws {
        refreshIfCatalogChanged()
        let catalog = catalogService.catalog
        let latest = try store.latestQuotes()
        let tick = try announced ?? store.lastTick()
        let startedAt = MonotonicClock.now()
        // Taken once, before any message of the tick is built.
        let timestamp = WallClock.nowMicroseconds()
        var changed: [String] = []
        var quotes = board.quotes
        var fragments = board.fragments
        for (code, quote) in latest {
            guard let stock = catalog.stocks[code], stock.active else { continue }
            if let previous = published[code], !quote.differsForSubscribers(from: previous) { continue }
            changed.append(code)
            quotes[code] = quote
            fragments[code] = QuoteFragmentEncoder.encode(quote, stock: stock, writer: &writer)
            published[code] = quote
        }
        changed.sort()
        board = QuoteBoard(tick: tick, quotes: quotes, fragments: fragments)
        shared.setBoard(board)
        let update = TickUpdate(tick: tick, timestamp: timestamp, changed: changed, board: board, startedAt: startedAt)
        for handle in loops {
            handle.execute { loop in loop.attached(LoopPush.self)?.publish(update) }
        }
        shared.metrics.ticks.add(1)
        shared.metrics.quotesChanged.add(changed.count)
        shared.metrics.recordTick(.init(tick: tick, timestamp: timestamp, quotes: latest.count, changed: changed.count))
        if !changed.isEmpty { try recordPublished(changed, quotes: quotes) }
    }

    /// The shared diff baseline in Redis (other tools and a restarted instance read it).
    private mutating func recordPublished(_ codes: [String], quotes: [String: Quote]) throws {
        var arguments: [[UInt8]] = [Array("HSET".utf8), Array(layout.publishedQuotes.utf8)]
        for code in codes {
            guard let quote = quotes[code] else { continue }
            arguments.append(Array(code.utf8))
            arguments.append(QuoteCodec.encode(quote))
        }
        try store.command(arguments)
    }
}
