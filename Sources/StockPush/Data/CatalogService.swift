import Market
import Postgres
import Reactor
import Retry
import Synchronization
import Telemetry

/// Keeps the current catalog: loads it at start, then listens on `catalog_changed`
/// and reloads, so a stock added to a strategy reaches subscribers without a restart.
/// Runs on its own thread (libpq blocks); readers take the latest snapshot lock-free
/// of the database, under a short mutex.
public final class CatalogService: Sendable {
    public static let channel = "catalog_changed"

    private let url: PostgresURL
    private let logger: Logger
    private let current = Mutex<Catalog>(.empty)
    private let listeners = Mutex<[@Sendable (Catalog) -> Void]>([])
    private let worker = WorkerThread()
    private let loaded = Atomic<Bool>(false)
    let health: DependencyHealth

    public init(url: PostgresURL, health: DependencyHealth, logger: Logger) {
        self.url = url
        self.health = health
        self.logger = logger
    }

    public var catalog: Catalog { current.withLock { $0 } }
    /// True once a catalog was loaded from the database.
    public var isLoaded: Bool { loaded.load(ordering: .acquiring) }

    /// Called (on the catalog thread) after every reload.
    public func onChange(_ listener: @escaping @Sendable (Catalog) -> Void) {
        listeners.withLock { $0.append(listener) }
    }

    public func start() throws {
        try worker.start(name: "catalog") { [self] in run() }
    }

    public func stop() {
        worker.stop()
    }

    private var isStopping: Bool { worker.isStopping }

    private func run() {
        var reconnector = Reconnector(
            backoff: Backoff(initial: 0.2, maximum: 10, seed: UInt64(truncatingIfNeeded: MonotonicClock.now())),
            log: { [logger] in logger.warning($0) }, sleep: worker.sleep)
        var version = 0
        reconnector.keepRunning(
            until: { isStopping },
            unavailable: { "PostgreSQL at \(url.redacted) unavailable: \($0); retrying with backoff" },
            recovered: "PostgreSQL at \(url.redacted) is reachable again",
            failed: { health.markDown(.postgres, reason: "\($0)") }
        ) { up in
            let connection = try PostgresConnection.connect(url, connectTimeoutSeconds: 5)
            defer { connection.close() }
            try connection.listen(Self.channel)
            version += 1
            reload(connection, version: version)
            up()
            health.markUp(.postgres)
            while !isStopping {
                let notifications = try connection.waitForNotifications(timeoutSeconds: 0.5)
                if !notifications.isEmpty {
                    // Several changes in a burst (a bulk edit) reload once.
                    _ = try connection.waitForNotifications(timeoutSeconds: 0.05)
                    version += 1
                    reload(connection, version: version)
                } else {
                    _ = try connection.query("SELECT 1")
                }
            }
        }
    }

    private func reload(_ connection: PostgresConnection, version: Int) {
        do {
            let catalog = try CatalogRepository.load(connection, version: version)
            current.withLock { $0 = catalog }
            loaded.store(true, ordering: .releasing)
            logger.info(
                "catalog loaded: \(catalog.markets.count) markets, \(catalog.activeStocks.count) active stocks, \(catalog.strategies.count) strategies"
            )
            for listener in listeners.withLock({ $0 }) { listener(catalog) }
        } catch {
            logger.error("catalog reload failed: \(error); keeping the previous catalog")
        }
    }

}
