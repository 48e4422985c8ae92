import Market
import PushCore
import PushProtocol
import Reactor
import Server
import Synchronization
import Telemetry

/// Everything the loops share about the price stream: configuration, limits,
/// authentication, metrics, and the latest catalog and quote board for loops that
/// open connections between ticks. Immutable or internally synchronized.
public final class PushShared: Sendable {
    public let configuration: PushConfiguration
    public let heartbeatInterval: Double
    /// This instance's id in the cluster (`ClusterConfiguration.instanceID`): part of every client id.
    public let instanceID: String
    public let limits: ConnectionLimits
    public let metrics = PushMetrics()
    public let verifier: JWTVerifier?
    /// Which pages may use the stream and the API (`ALLOWED_ORIGINS`, `TRUSTED_PROXIES`).
    let origins: BrowserOrigins
    public let startedAt = WallClock.nowMicroseconds()
    /// The price stream's lines (connections, ticks) and the admin actions'.
    public let logger: Logger
    public let adminLogger: Logger
    /// `Catalog.empty` until the first one loads (loops hold subscribes until then).
    private let latest = Mutex<(catalog: Catalog, board: QuoteBoard)>((.empty, .empty))
    private let running = Atomic<Bool>(true)
    private let clusterLimits = Mutex<ClusterUserLimits?>(nil)
    private let sessionStore = Mutex<SessionStore?>(nil)

    public init(
        configuration: PushConfiguration, heartbeatInterval: Double, instanceID: String = "local", logs: ServeLogs = ServeLogs()
    ) {
        self.configuration = configuration
        logger = logs.push
        adminLogger = logs.admin
        self.instanceID = instanceID
        self.heartbeatInterval = heartbeatInterval
        limits = ConnectionLimits(
            maxPerUser: configuration.maxConnectionsPerUser, maxPerAddress: configuration.maxConnectionsPerIP)
        verifier = configuration.jwtSecret.map { JWTVerifier(secret: Array($0.utf8)) }
        origins = BrowserOrigins(policy: configuration.allowedOrigins, trustedProxies: configuration.trustedProxies)
    }

    public var catalog: Catalog { latest.withLock { $0.catalog } }
    public var board: QuoteBoard { latest.withLock { $0.board } }

    func setCatalog(_ catalog: Catalog) {
        latest.withLock { $0.catalog = catalog }
    }

    func setBoard(_ board: QuoteBoard) {
        latest.withLock { $0.board = board }
    }

    /// Every market's state now (market time), by code: what the stats report.
    func marketStates() -> [(market: String, state: MarketState)] {
        let clock = catalog.clock
        let now = configuration.marketHours.marketMicros(atWall: WallClock.nowMicroseconds())
        return clock.markets.compactMap { market in clock.state(of: market, at: now).map { (market, $0) } }
    }

    /// What each loop's core enforces.
    var coreConfiguration: PushCoreConfiguration {
        var core = PushCoreConfiguration()
        core.maxSubscriptions = configuration.maxSubscriptions
        core.rateLimit = configuration.rateLimit
        core.rateBurst = configuration.rateBurst
        core.heartbeatInterval = Int(heartbeatInterval.rounded())
        core.instanceID = instanceID
        return core
    }

    /// The cluster-wide per-user limit once started; nil: the local count alone.
    public var cluster: ClusterUserLimits? { clusterLimits.withLock { $0 } }

    func setCluster(_ cluster: ClusterUserLimits?) {
        clusterLimits.withLock { $0 = cluster }
    }

    /// Where sessions are kept once started; nil: no resume (no token in `connected`).
    public var sessions: SessionStore? { sessionStore.withLock { $0 } }

    func setSessions(_ store: SessionStore?) {
        sessionStore.withLock { $0 = store }
    }

    public var isRunning: Bool { running.load(ordering: .relaxed) }
    func markStopping() { running.store(false, ordering: .relaxed) }
}
