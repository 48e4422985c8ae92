import Glibc
import HTTP1
import Market
import Postgres
import Reactor
import Retry
import Server
import Telemetry

/// `stockpush serve`: runs the HTTP/WebSocket server until SIGINT/SIGTERM.
public enum ServeCommand {
    public static let options: [OptionSpec] =
        [
            OptionSpec("--host", env: "HOST", default: "0.0.0.0", help: "address to listen on"),
            OptionSpec("--port", env: "PORT", default: "8000", help: "TCP port (0: any free port)"),
            OptionSpec(
                "--threads", env: "THREADS",
                help: "event-loop threads (default: the CPUs the process may use: affinity mask and cgroup CPU quota)"),
            OptionSpec("--echo", env: "STOCKPUSH_ECHO", isSwitch: true, help: "mount /ws/echo (conformance testing)"),
        ] + webSocketOptions + [
            OptionSpec("--header-timeout", env: "HTTP_HEADER_TIMEOUT", default: "10", help: "seconds to receive a request head"),
            OptionSpec(
                "--max-request-line", env: "HTTP_MAX_REQUEST_LINE", default: "8192", help: "request line bytes; longer gets 414"),
            OptionSpec(
                "--max-header-bytes", env: "HTTP_MAX_HEADER_BYTES", default: "16384", help: "header section bytes; more gets 431"),
            OptionSpec("--max-headers", env: "HTTP_MAX_HEADERS", default: "100", help: "header fields; more gets 431"),
            OptionSpec(
                "--max-body-bytes", env: "HTTP_MAX_BODY_BYTES", default: "1048576", help: "request body bytes; more gets 413"),
            OptionSpec(
                "--max-connections", env: "WS_MAX_CONNECTIONS",
                help: "connections per process (default: what the fd limit allows)"),
            OptionSpec("--migrate", env: "MIGRATE_ON_START", isSwitch: true, help: "apply pending migrations before serving"),
            OptionSpec(
                "--audit-queue-bytes", env: "AUDIT_QUEUE_BYTES", default: "4194304",
                help: "admin audit entries kept in memory while PostgreSQL is away (oldest dropped first)"),
            OptionSpec(
                "--bench", env: "BENCH",
                help: "benchmark mode S:Q: S strategies T0… of Q stocks; no PostgreSQL, Redis only with --bench-redis"),
            OptionSpec("--tick-ms", env: "BENCH_TICK_MS", default: "100", help: "benchmark mode: milliseconds between ticks"),
            OptionSpec(
                "--bench-redis", env: "BENCH_REDIS", isSwitch: true,
                help: "benchmark mode: ticks go through Redis (scheduler, quote store, publisher) so processes share them"),
            OptionSpec("--help", isSwitch: true, help: "show this help"),
        ] + ServeLogs.options + DataConfiguration.options + PushConfiguration.options + ClusterConfiguration.options
        + NotificationConfiguration.options + TaskConfiguration.options
        + webOptions

    public static let usage = """
        Usage: stockpush serve [options]

        Serves the StockPush HTTP API and WebSocket streams.

        Options:
        \(Options.help(for: options))
        """

    /// Builds the server configuration from parsed options.
    public static func configuration(from options: Options) throws(UsageError) -> (ServerConfiguration, echo: Bool) {
        var config = ServerConfiguration()
        config.host = options.string("--host") ?? "0.0.0.0"
        config.port = try options.int("--port", in: 0...65535) ?? 8000
        config.threads = try options.int("--threads", in: 1...256) ?? CPUBudget.usable()
        config.webSocket = try webSocketSettings(from: options)
        config.headerReadTimeout = try options.double("--header-timeout", minimum: 0.05) ?? 10
        config.http.maxRequestLineBytes = try options.int("--max-request-line", in: 64...(1 << 20)) ?? 8192
        config.http.maxHeaderBytes = try options.int("--max-header-bytes", in: 256...(16 << 20)) ?? 16384
        config.http.maxHeaderCount = try options.int("--max-headers", in: 1...10_000) ?? 100
        config.http.maxBodyBytes = try options.int("--max-body-bytes", in: 0...(1 << 30)) ?? 1 << 20
        config.maxConnections = try options.int("--max-connections", in: 1...10_000_000)
        // The price stream's queue limit is also the core's back-pressure threshold.
        config.maxQueuedBytes = try options.int("--max-queued-bytes", in: 1024...(1 << 30)) ?? 1 << 20
        config.slowConsumerTimeout = try options.double("--slow-consumer-timeout", minimum: 0.1) ?? 30
        return (config, try options.bool("--echo"))
    }

    public static func run(arguments: [String], environment: [String: String]) throws -> Int32 {
        let options = try Options(arguments: arguments, specs: Self.options, environment: environment)
        if try options.bool("--help") {
            print(usage)
            return 0
        }
        let (configuration, echo) = try Self.configuration(from: options)
        let data = try DataConfiguration(from: options)
        let pushConfiguration = try PushConfiguration(from: options)
        let cluster = try ClusterConfiguration(from: options)
        let logs = try ServeLogs(from: options)
        let logger = logs.main
        for warning in options.warnings { logger.warning(warning) }
        ShutdownSignals.block()
        let files = ResourceLimits.raiseOpenFileLimit()

        let shared = PushShared(
            configuration: pushConfiguration, heartbeatInterval: configuration.webSocket.heartbeatInterval,
            instanceID: cluster.instanceID, logs: logs)
        if pushConfiguration.requireAuth && pushConfiguration.jwtSecret == nil {
            logger.warning("REQUIRE_AUTH is set without JWT_SECRET: every price-stream connection will be refused with 401")
        }
        let health = DependencyHealth()
        let reference = ServerReference()
        let services: RunningServices
        if let benchText = options.string("--bench") {
            guard let shape = BenchFeed.Shape(benchText) else {
                throw UsageError.invalidValue(option: "--bench", value: benchText, expected: "S:Q, e.g. 10:20")
            }
            let tickMs = try options.double("--tick-ms", minimum: 0.1) ?? 100
            services =
                try options.bool("--bench-redis")
                ? try startBenchThroughRedis(
                    shape: shape, tickMilliseconds: tickMs, data: data, cluster: cluster, configuration: configuration,
                    echo: echo, shared: shared, health: health, reference: reference, logs: logs)
                : try startBench(
                    shape: shape, tickMilliseconds: tickMs, configuration: configuration, echo: echo, shared: shared,
                    health: health, reference: reference, logs: logs)
        } else {
            services = try startProduction(
                options: options, data: data, cluster: cluster, configuration: configuration, echo: echo, shared: shared,
                health: health, reference: reference, logs: logs)
        }
        logger.info(
            "listening on \(configuration.host):\(services.server.port) with \(configuration.threads) loop thread(s); open files limit \(files.soft) (hard \(files.hard))\(echo ? "; /ws/echo mounted" : "")"
        )
        let signal = ShutdownSignals.wait()
        logger.info("signal \(signal): shutting down")
        shared.markStopping()
        if pushConfiguration.shutdownDrainDelay > 0 {
            logger.info("draining: /readyz answers 503 for \(pushConfiguration.shutdownDrainDelay) s before clients are closed")
            let deadline = MonotonicClock.now() + UInt64(min(pushConfiguration.shutdownDrainDelay, 3600) * 1e9)
            while MonotonicClock.now() < deadline { usleep(20_000) }
        }
        services.stopBeforeServer.forEach { $0() }
        services.server.shutdown(gracePeriod: 3)
        services.stop.forEach { $0() }
        logger.info("stopped")
        return 0
    }

    /// What `serve` started, and how to stop it in order.
    struct RunningServices {
        let server: HTTPServer
        /// Stopped before the server drains (the scheduler hands its lock over first).
        var stopBeforeServer: [() -> Void] = []
        /// Stopped after the clients are gone.
        var stop: [() -> Void]
    }

    /// Redis, PostgreSQL, the scheduler and the publisher: the real deployment.
    static func startProduction(
        options: Options, data: DataConfiguration, cluster: ClusterConfiguration, configuration: ServerConfiguration, echo: Bool,
        shared: PushShared, health: DependencyHealth, reference: ServerReference, logs: ServeLogs
    ) throws -> RunningServices {
        let logger = logs.data
        if try options.bool("--migrate") {
            try migrateWithRetry(data, logger: logger)
        }
        let auditBytes = try options.int("--audit-queue-bytes", in: 4096...(1 << 30)) ?? AuditLog.defaultCapacityBytes
        var rollback = StartupRollback()
        do {
            let catalog = CatalogService(url: data.databaseURL, health: health, logger: logger)
            try catalog.start()
            rollback.started(catalog.stop)
            let scheduler = SchedulerService()
            try scheduler.start(
                owner: cluster.instanceID, interval: data.quoteInterval, redis: data.redisEndpoint,
                layout: QuoteStoreLayout(prefix: data.redisPrefix), catalog: catalog, health: health, logger: logger,
                marketHours: shared.configuration.marketHours, makeSource: { try QuoteSourceFactory.make(data, logger: logger) })
            rollback.started { scheduler.stop() }
            let audit = AuditLog(url: data.databaseURL, logger: logs.admin, capacityBytes: auditBytes)
            try audit.start()
            rollback.started(audit.stop)
            let database = DatabaseWorker(url: data.databaseURL, logger: logs.admin)
            try database.start()
            rollback.started(database.stop)
            let node = try startCluster(
                cluster, data: data, shared: shared, reference: reference, scheduler: scheduler, logger: logs.cluster)
            rollback.started(node.stop)
            let notifications = try startNotifications(options, data: data, shared: shared, logger: logs.admin)
            rollback.started(notifications.redis.stop)
            let stopSessions = try startSessions(data: data, shared: shared, logger: logs.push) ?? {}
            rollback.started(stopSessions)
            let tasks = try startTasks(options, data: data, shared: shared, reference: reference, logger: logs.push)
            rollback.started(tasks.stop)
            let server = try makeServer(
                configuration: configuration, echo: echo, health: health, shared: shared, audit: audit, database: database,
                cluster: node.bus, notifications: notifications, tasks: tasks,
                site: loadSite(options, logger: logs.main), reference: reference, logger: logs.server)
            rollback.started { server.shutdown(gracePeriod: 0) }
            node.listening(host: configuration.host, port: server.port)
            let publisher = PricePublisher()
            try publisher.start(
                redis: data.redisEndpoint, layout: QuoteStoreLayout(prefix: data.redisPrefix), shared: shared,
                loops: server.loops, catalog: catalog,
                staleness: data.staleAfter > 0
                    ? StalenessPolicy(
                        after: Int64(data.staleAfter * 1e6), marketOffset: shared.configuration.marketHours.offsetMicros)
                    : nil,
                health: health, logger: logger)
            logs.main.info(
                "redis \(data.redisEndpoint), postgres \(data.databaseURL.redacted), \(data.source.rawValue) quotes every \(data.quoteInterval) s; auth \(shared.configuration.jwtSecret == nil ? "off" : "JWT HS256"), admin token \(shared.configuration.adminToken == nil ? "off" : "on")"
            )
            return RunningServices(
                server: server, stopBeforeServer: [{ scheduler.stop() }],
                stop: [
                    publisher.stop, stopSessions, audit.stop, database.stop, notifications.redis.stop, catalog.stop,
                    node.stop, tasks.stop,
                ])
        } catch {
            rollback.stopAll()
            throw error
        }
    }

    /// The HTTP/WebSocket server with the application's routes and a `LoopPush` on
    /// every loop, reachable from its routes through `reference`.
    static func makeServer(
        configuration: ServerConfiguration, echo: Bool, health: DependencyHealth, shared: PushShared,
        audit: AuditLog? = nil, database: DatabaseWorker? = nil, cluster: ClusterBus? = nil,
        notifications: NotificationService? = nil, tasks: TaskBus? = nil, site: StaticSite = .empty,
        reference: ServerReference, logger: Logger
    ) throws -> HTTPServer {
        let routes = Application.routes(
            echo: echo, health: health, push: shared, audit: audit, database: database, cluster: cluster,
            notifications: notifications, tasks: tasks, site: site, server: { reference.get() })
        // Set on the listeners, inherited by every accepted socket: no setsockopt per client.
        var configuration = configuration
        configuration.socketSendBuffer = shared.configuration.socketSendBuffer
        let server: HTTPServer
        do {
            server = try HTTPServer(configuration: configuration, routes: routes, logger: logger) { loop in
                loop.attach(LoopPush(loop: loop, shared: shared))
                if let notifications { loop.attach(LoopNotify(loop: loop, shared: shared, service: notifications)) }
                if let tasks { loop.attach(LoopTasks(loop: loop, shared: shared, bus: tasks)) }
            }
        } catch let error as ReactorError {
            throw ServeError.cannotListen(host: configuration.host, port: configuration.port, reason: "\(error)")
        }
        reference.set(server)
        return server
    }

    /// `--bench S:Q`: the push path alone, fed in-process; no Redis or PostgreSQL.
    static func startBench(
        shape: BenchFeed.Shape, tickMilliseconds: Double, configuration: ServerConfiguration, echo: Bool,
        shared: PushShared, health: DependencyHealth, reference: ServerReference, logs: ServeLogs
    ) throws -> RunningServices {
        for dependency in DependencyHealth.Dependency.allCases { health.markUp(dependency) }
        let server = try makeServer(
            configuration: configuration, echo: echo, health: health, shared: shared, reference: reference,
            logger: logs.server)
        let feed = BenchFeed()
        try feed.start(
            shape: shape, tickMilliseconds: tickMilliseconds, shared: shared, loops: server.loops, logger: logs.push)
        return RunningServices(server: server, stop: [feed.stop])
    }

    /// `--bench S:Q --bench-redis`: the synthetic catalog, but ticks take the production
    /// path — the scheduler (under the Redis leader lock) writes them to the quote store
    /// and every process's publisher hears, diffs and fans them out — so several
    /// processes sharing one Redis serve the same ticks (workload D). No PostgreSQL.
    static func startBenchThroughRedis(
        shape: BenchFeed.Shape, tickMilliseconds: Double, data: DataConfiguration, cluster: ClusterConfiguration,
        configuration: ServerConfiguration, echo: Bool, shared: PushShared, health: DependencyHealth, reference: ServerReference,
        logs: ServeLogs
    ) throws -> RunningServices {
        let logger = logs.data
        health.markUp(.postgres)
        let catalog = FixedCatalog(BenchFeed.catalog(shape))
        let layout = QuoteStoreLayout(prefix: data.redisPrefix)
        let scheduler = SchedulerService()
        try scheduler.start(
            owner: cluster.instanceID, interval: tickMilliseconds / 1000, redis: data.redisEndpoint, layout: layout,
            catalog: catalog, health: health, logger: logger, makeSource: { BenchQuoteSource() })
        let server: HTTPServer
        do {
            server = try makeServer(
                configuration: configuration, echo: echo, health: health, shared: shared, reference: reference,
                logger: logs.server)
        } catch {
            scheduler.stop()  // see StartupRollback
            throw error
        }
        let publisher = PricePublisher()
        try publisher.start(
            redis: data.redisEndpoint, layout: layout, shared: shared, loops: server.loops, catalog: catalog, health: health,
            logger: logger)
        logs.main.info(
            "bench through redis \(data.redisEndpoint) (prefix \(data.redisPrefix)): \(shape.strategies) strategies × \(shape.stocksPerStrategy) stocks, a tick every \(tickMilliseconds) ms"
        )
        return RunningServices(server: server, stopBeforeServer: [{ scheduler.stop() }], stop: [publisher.stop])
    }
}
