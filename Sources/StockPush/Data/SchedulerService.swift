import Market
import Reactor
import Redis
import Retry
import Synchronization
import Telemetry
import Time

/// Runs the `Scheduler` on its own thread against Redis: pulls quotes every interval
/// while this instance holds the lead, writes each tick atomically and announces it.
/// After a Sentinel failover the client finds the new primary, where the leader lock
/// (replicated, or expired and taken anew) is renewed at the next step.
public final class SchedulerService: Sendable {
    private let worker = WorkerThread()
    private let resignOnStop = Atomic<Bool>(true)
    private let ticks = Atomic<Int>(0)
    private let leading = Atomic<Bool>(false)

    public init() {}

    /// Quotes pulled and written by this instance.
    public var tickCount: Int { ticks.load(ordering: .relaxed) }
    public var isLeader: Bool { leading.load(ordering: .relaxed) }

    /// `makeSource` runs on the scheduler thread (sources are not Sendable).
    public func start(
        owner: String, interval: Double, redis: RedisEndpoint, layout: QuoteStoreLayout, catalog: any CatalogProvider,
        health: DependencyHealth, logger: Logger, marketHours: MarketHoursConfiguration = MarketHoursConfiguration(),
        makeSource: @escaping @Sendable () throws -> any QuoteSource
    ) throws {
        try worker.start(name: "scheduler") { [self] in
            let source: any QuoteSource
            do {
                source = try makeSource()
            } catch {
                logger.error("quote source: \(error); the scheduler will not run")
                return
            }
            let client = RedisClient(
                endpoint: redis,
                backoff: Backoff(initial: 0.1, maximum: 5, seed: UInt64(truncatingIfNeeded: MonotonicClock.now())),
                log: { logger.warning($0) })
            let store = RedisQuoteStore(client: client, layout: layout)
            let scheduler = Scheduler(
                owner: owner, timing: .init(interval: interval), source: source, lock: store, sink: store,
                stocks: { catalog.catalog.activeStocks }, hours: marketHours.schedulerHours(catalog),
                clock: WallClock.nowMicroseconds, log: { logger.info($0) })
            logger.info(
                "scheduler \(owner): \(source.name) quotes every \(interval) s, market hours \(marketHours.mode.rawValue)d")
            while !worker.isStopping {
                // No catalog yet (PostgreSQL down at start): nothing to pull, but keep the lock fresh.
                let outcome = scheduler.step(now: WallClock.nowMicroseconds())
                switch outcome {
                case .pulled:
                    ticks.add(1, ordering: .relaxed)
                    health.markUp(.redis)
                case .waiting, .follower, .marketsClosed:
                    health.markUp(.redis)
                case .failed(let reason):
                    if reason.hasPrefix("leader lock") || !client.isHealthy { health.markDown(.redis, reason: reason) }
                }
                leading.store(scheduler.isLeader, ordering: .relaxed)
                let wait = Double(scheduler.nextStepAt - WallClock.nowMicroseconds()) / 1e6
                worker.sleep(max(0.001, wait))
            }
            if resignOnStop.load(ordering: .acquiring) { scheduler.resign() }
            client.close()
        }

    }

    /// Stops the thread. `resign: false` leaves the lock to expire, as a crash would.
    public func stop(resign: Bool = true) {
        resignOnStop.store(resign, ordering: .releasing)
        worker.stop()
    }
}
