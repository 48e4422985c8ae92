import HTTP1

/// Limits and secrets of the price stream and the admin API (names from the contract).
public struct PushConfiguration: Sendable {
    public var rateLimit: Double = 20
    public var rateBurst: Double = 40
    public var maxSubscriptions = 200
    public var maxConnectionsPerUser = 3
    public var maxConnectionsPerIP = 1000
    public var maxQueuedBytes = 1 << 20
    /// Kernel send buffer per socket (SO_SNDBUF, set on the listeners): bounds what a
    /// stalled client pins in the kernel before conflation starts.
    public var socketSendBuffer = 64 * 1024
    public var slowConsumerTimeout: Double = 30
    public var shutdownReconnectMaxMs = 5000
    /// Seconds between the start of shutdown (`/readyz` 503 `draining`) and the close
    /// frames, for a proxy's health check to notice before the listener closes.
    public var shutdownDrainDelay: Double = 0
    public var adminToken: String?
    /// What a producer (an analysis worker, a task runner) presents to send notifications
    /// and report task progress: less than the admin token, which also works.
    public var serviceToken: String?
    public var jwtSecret: String?
    public var requireAuth = false
    public var metricsRequireAuth = false
    /// Peers whose `X-Forwarded-For` / `X-Real-IP` name the client (empty: none).
    public var trustedProxies = TrustedProxies()
    /// Web origins besides the server's own whose pages may open the stream and call
    /// the API (`ALLOWED_ORIGINS`).
    public var allowedOrigins = OriginPolicy()
    public var marketHours = MarketHoursConfiguration()
    /// `SESSION_RESUME_TTL`: seconds a session's record outlives its last write or
    /// refresh, so its client can resume it; 0 turns resume off (no token is issued).
    public var sessionResumeTTL: Double = 120

    public init() {}

    public static let options: [OptionSpec] =
        [
            OptionSpec("--rate-limit", env: "WS_RATE_LIMIT", default: "20", help: "client messages per second per connection"),
            OptionSpec("--rate-burst", env: "WS_RATE_BURST", default: "40", help: "burst allowance of the rate limit"),
            OptionSpec("--max-subscriptions", env: "WS_MAX_SUBSCRIPTIONS", default: "200", help: "subscriptions per connection"),
            OptionSpec(
                "--max-connections-per-user", env: "WS_MAX_CONNECTIONS_PER_USER", default: "3",
                help: "connections per authenticated user"),
            OptionSpec(
                "--max-connections-per-ip", env: "WS_MAX_CONNECTIONS_PER_IP", default: "1000",
                help: "connections per client address"),
            OptionSpec(
                "--max-queued-bytes", env: "WS_MAX_QUEUED_BYTES", default: "1048576",
                help: "unsent bytes before price data is conflated"),
            OptionSpec(
                "--socket-send-buffer", env: "WS_SOCKET_SEND_BUFFER", default: "65536",
                help: "kernel send buffer of every accepted socket (bytes; Linux doubles it)"),
            OptionSpec(
                "--slow-consumer-timeout", env: "WS_SLOW_CONSUMER_TIMEOUT", default: "30",
                help: "seconds over the queue limit without progress before close 1008"),
            OptionSpec(
                "--shutdown-reconnect-max-ms", env: "SHUTDOWN_RECONNECT_MAX_MS", default: "5000",
                help: "upper bound of reconnect_after_ms in server_shutdown"),
            OptionSpec(
                "--shutdown-drain-delay", env: "SHUTDOWN_DRAIN_DELAY", default: "0",
                help: "seconds /readyz answers 503 draining before clients are closed on SIGTERM"),
            OptionSpec("--admin-token", env: "ADMIN_TOKEN", help: "bearer token for /api/websocket/* (unset: open)"),
            OptionSpec(
                "--service-token", env: "SERVICE_TOKEN",
                help: "bearer token for producers: POST /api/notifications and task progress (the admin token works too)"),
            OptionSpec("--jwt-secret", env: "JWT_SECRET", help: "HS256 secret; set to authenticate clients"),
            OptionSpec("--require-auth", env: "REQUIRE_AUTH", isSwitch: true, help: "refuse clients without a valid token"),
            OptionSpec(
                "--metrics-require-auth", env: "METRICS_REQUIRE_AUTH", isSwitch: true, help: "/metrics needs the admin token too"),
            OptionSpec(
                "--trusted-proxies", env: "TRUSTED_PROXIES",
                help: "comma-separated CIDRs whose X-Forwarded-For/X-Real-IP name the client (unset: none)"),
            OptionSpec(
                "--allowed-origins", env: "ALLOWED_ORIGINS",
                help:
                    "comma-separated origins (https://app.example.com) whose pages may use the stream and API besides the server's own; * for any"
            ),
            OptionSpec(
                "--session-resume-ttl", env: "SESSION_RESUME_TTL", default: "120",
                help: "seconds a disconnected client may resume its session (subscriptions, seq); 0: off"),
        ] + MarketHoursConfiguration.options

    public init(from options: Options) throws(UsageError) {
        rateLimit = try options.double("--rate-limit", minimum: 0.1) ?? 20
        rateBurst = try options.double("--rate-burst", minimum: 1) ?? 40
        maxSubscriptions = try options.int("--max-subscriptions", in: 1...100_000) ?? 200
        maxConnectionsPerUser = try options.int("--max-connections-per-user", in: 1...1_000_000) ?? 3
        maxConnectionsPerIP = try options.int("--max-connections-per-ip", in: 1...10_000_000) ?? 1000
        maxQueuedBytes = try options.int("--max-queued-bytes", in: 1024...(1 << 30)) ?? 1 << 20
        slowConsumerTimeout = try options.double("--slow-consumer-timeout", minimum: 0.1) ?? 30
        socketSendBuffer = try options.int("--socket-send-buffer", in: 4096...(64 << 20)) ?? 64 * 1024
        shutdownReconnectMaxMs = try options.int("--shutdown-reconnect-max-ms", in: 0...3_600_000) ?? 5000
        shutdownDrainDelay = try options.double("--shutdown-drain-delay", minimum: 0) ?? 0
        adminToken = options.string("--admin-token").flatMap { $0.isEmpty ? nil : $0 }
        serviceToken = options.string("--service-token").flatMap { $0.isEmpty ? nil : $0 }
        jwtSecret = options.string("--jwt-secret").flatMap { $0.isEmpty ? nil : $0 }
        requireAuth = try options.bool("--require-auth")
        metricsRequireAuth = try options.bool("--metrics-require-auth")
        marketHours = try MarketHoursConfiguration(from: options)
        sessionResumeTTL = try options.double("--session-resume-ttl", minimum: 0) ?? 120
        if let text = options.string("--trusted-proxies") {
            do {
                trustedProxies = try TrustedProxies(parsing: text)
            } catch {
                guard case .invalidEntry(let entry) = error else { throw .missingValue("--trusted-proxies") }
                throw .invalidValue(
                    option: "--trusted-proxies", value: entry,
                    expected: "comma-separated CIDRs or addresses, e.g. 127.0.0.1/32,10.0.0.0/8,::1/128")
            }
        }
        if let text = options.string("--allowed-origins") {
            do {
                allowedOrigins = try OriginPolicy(parsing: text)
            } catch {
                guard case .invalidEntry(let entry) = error else { throw .missingValue("--allowed-origins") }
                throw .invalidValue(
                    option: "--allowed-origins", value: entry,
                    expected:
                        "comma-separated origins scheme://host[:port], e.g. https://app.example.com,http://localhost:3000, or *")
            }
        }
    }
}
