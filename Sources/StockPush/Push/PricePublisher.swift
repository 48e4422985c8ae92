import JSON
import Market
import PushProtocol
import Reactor
import Redis
import Retry
import Server
import Synchronization
import Telemetry
import Time

/// Hears each tick on Redis, diffs the latest quotes against the last published ones,
/// serializes every changed quote once, and hands the tick to every loop. Runs on its
/// own thread (hiredis blocks); reconnects with backoff and resynchronizes after an
/// outage, so a Redis restart costs no updates beyond those missed while it was down.
public final class PricePublisher: Sendable {
    private let worker = WorkerThread()

    public init() {}

    public func start(
        redisURL: RedisURL, layout: QuoteStoreLayout, shared: PushShared, loops: [EventLoopHandle],
        catalog: any CatalogProvider, health: DependencyHealth, logger: Logger
    ) throws {
        try worker.start(name: "publisher") { [self] in
            let redisSide = Worker(
                redisURL: redisURL, layout: layout, shared: shared, loops: loops, catalog: catalog, logger: logger)
            var backoff = Backoff(initial: 0.1, maximum: 5, seed: UInt64(truncatingIfNeeded: MonotonicClock.now()))
            var outage = false
            while !worker.isStopping {
                do {
                    let subscriber = try RedisSubscriber.connect(redisURL, timeoutSeconds: 2)
                    defer { subscriber.close() }
                    try subscriber.subscribe([layout.tickChannel])
                    if outage { logger.info("publisher: Redis at \(redisURL.redacted) is back; resynchronizing") }
                    outage = false
                    backoff.reset()
                    // Whatever changed while we were away (or before we started) goes out now.
                    try redisSide.publishLatest(tick: nil)
                    while !worker.isStopping {
                        if let message = try subscriber.nextMessage(timeoutSeconds: 0.25) {
                            let announced = (try? JSONParser.parse(message.payload))?["tick"]?.intValue
                            try redisSide.publishLatest(tick: announced.map(Int64.init))
                        } else {
                            redisSide.refreshIfCatalogChanged()
                        }
                    }
                } catch {
                    if !outage {
                        logger.error("publisher: Redis at \(redisURL.redacted) unavailable: \(error); retrying with backoff")
                        outage = true
                    }
                    health.markDown(.redis, reason: "\(error)")
                    worker.sleep(backoff.nextDelay())
                }
            }
        }

    }

    public func stop() {
        worker.stop()
    }
}

/// The publisher thread's Redis side: reads the latest quotes and records what was sent.
private struct Worker {
    let layout: QuoteStoreLayout
    let catalogProvider: any CatalogProvider
    let store: RedisQuoteStore
    let fanOut: TickFanOut

    init(
        redisURL: RedisURL, layout: QuoteStoreLayout, shared: PushShared, loops: [EventLoopHandle], catalog: any CatalogProvider,
        logger: Logger
    ) {
        self.layout = layout
        catalogProvider = catalog
        store = RedisQuoteStore(client: RedisClient(url: redisURL, log: { logger.warning("publisher: \($0)") }), layout: layout)
        fanOut = TickFanOut(shared: shared, loops: loops)
    }

    func refreshIfCatalogChanged() {
        fanOut.catalogChanged(catalogProvider.catalog)
    }

    func publishLatest(tick announced: Int64?) throws {
        refreshIfCatalogChanged()
        let latest = try store.latestQuotes()
        let tick = try announced ?? store.lastTick()
        let changed = fanOut.publish(latest: latest, tick: tick)
        if !changed.isEmpty { try recordPublished(changed) }
    }

    /// The shared diff baseline in Redis (other tools and a restarted instance read it).
    private func recordPublished(_ quotes: [Quote]) throws {
        var arguments: [[UInt8]] = [Array("HSET".utf8), Array(layout.publishedQuotes.utf8)]
        for quote in quotes {
            arguments.append(Array(quote.code.utf8))
            arguments.append(QuoteCodec.encode(quote))
        }
        try store.command(arguments)
    }
}
