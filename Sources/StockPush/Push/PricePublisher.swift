import Market
import PushProtocol
import Reactor
import Redis
import Retry
import Server
import Synchronization
import Telemetry
import Time

/// Hears each tick on Redis, a `TickMessage` carrying the quotes the leader found
/// changed, serializes each of them once and hands the tick to every loop: nothing is
/// read back from Redis per tick. At start, after an outage, after a missed tick
/// number and after a catalog change it reads `latest` once and diffs it instead
/// (resync), so a Redis restart costs no updates beyond those missed while it was
/// down. Runs on its own thread (hiredis blocks); reconnects with backoff, through
/// Sentinel to whichever server is the primary now.
public final class PricePublisher: Sendable {
    private let worker = WorkerThread()

    public init() {}

    public func start(
        redis: RedisEndpoint, layout: QuoteStoreLayout, shared: PushShared, loops: [EventLoopHandle],
        catalog: any CatalogProvider, staleness: StalenessPolicy? = nil, health: DependencyHealth, logger: Logger
    ) throws {
        try worker.start(name: "publisher") { [self] in
            var redisSide = Worker(
                redis: redis, layout: layout, shared: shared, loops: loops, catalog: catalog, staleness: staleness,
                logger: logger)
            var reconnector = Reconnector(
                backoff: Backoff(initial: 0.1, maximum: 5, seed: UInt64(truncatingIfNeeded: MonotonicClock.now())),
                log: { logger.warning($0) }, sleep: worker.sleep)
            reconnector.keepRunning(
                until: { worker.isStopping },
                unavailable: { "publisher: Redis at \(redis) unavailable: \($0); retrying with backoff" },
                recovered: "publisher: Redis at \(redis) is back; resynchronizing",
                failed: { health.markDown(.redis, reason: "\($0)") }
            ) { up in
                let subscriber = try RedisSubscriber.connect(redis, timeoutSeconds: 2, log: { logger.info("publisher: \($0)") })
                defer { subscriber.close() }
                try subscriber.subscribe([layout.tickChannel])
                up()
                // Whatever changed while we were away (or before we started) goes out now.
                try redisSide.resync()
                while !worker.isStopping {
                    if let message = try subscriber.nextMessage(timeoutSeconds: 0.25) {
                        try redisSide.receive(message.payload)
                    } else {
                        try redisSide.resyncIfCatalogChanged()
                    }
                    redisSide.refreshStaleness()
                }
            }
        }

    }

    public func stop() {
        worker.stop()
    }
}

/// The publisher thread's Redis side: applies tick messages in sequence and reads
/// `latest` only to resynchronize.
private struct Worker {
    let catalogProvider: any CatalogProvider
    let store: RedisQuoteStore
    let fanOut: TickFanOut
    let logger: Logger
    var sequence = TickSequence()
    var catalogVersion: Int?
    /// Monotonic time of the next staleness check: four a second is prompt enough for a
    /// flag measured in pull intervals, and costs nothing between.
    var nextStaleCheck: UInt64 = 0

    init(
        redis: RedisEndpoint, layout: QuoteStoreLayout, shared: PushShared, loops: [EventLoopHandle],
        catalog: any CatalogProvider, staleness: StalenessPolicy?, logger: Logger
    ) {
        catalogProvider = catalog
        store = RedisQuoteStore(client: RedisClient(endpoint: redis, log: { logger.warning("publisher: \($0)") }), layout: layout)
        fanOut = TickFanOut(shared: shared, loops: loops, staleness: staleness)
        self.logger = logger
    }

    mutating func refreshStaleness() {
        let now = MonotonicClock.now()
        guard now >= nextStaleCheck else { return }
        nextStaleCheck = now + 250_000_000
        fanOut.refreshStaleness()
    }

    /// One message from the tick channel: the next tick's changes go out as they are;
    /// a gap, or bytes that are not a tick message, cost one read of `latest`.
    mutating func receive(_ payload: [UInt8]) throws {
        let message: TickMessage
        do {
            message = try TickMessage(decoding: payload)
        } catch {
            logger.warning("publisher: unreadable tick message (\(payload.count) bytes): \(error); resynchronizing")
            try resync()
            return
        }
        try resyncIfCatalogChanged()
        switch sequence.accept(message.tick) {
        case .apply:
            fanOut.publish(message.quotes, tick: message.tick)
        case .stale:
            break
        case .resync:
            logger.warning("publisher: heard tick \(message.tick) after \(sequence.last ?? 0); resynchronizing")
            try resync()
        }
    }

    /// A stock that became active has its quote only in `latest` (ticks carry changes,
    /// and this instance dropped it while inactive): a new catalog means a resync.
    mutating func resyncIfCatalogChanged() throws {
        guard catalogProvider.catalog.version != catalogVersion else { return }
        try resync()
    }

    /// Reads the tick number and `latest` atomically and publishes what differs from
    /// what this instance last sent.
    mutating func resync() throws {
        let catalog = catalogProvider.catalog
        fanOut.catalogChanged(catalog)
        catalogVersion = catalog.version
        let stored = try store.readBaseline()
        fanOut.publish(stored.quotes.values, tick: stored.tick, fresh: false)
        sequence.resynced(at: stored.tick)
    }
}
