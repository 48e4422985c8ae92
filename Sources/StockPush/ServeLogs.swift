import Telemetry

/// One logger per component of `serve`, each at its `LOG_LEVEL`, all in one format to
/// one sink. The component names are what `LOG_LEVEL=info,push=debug` accepts.
public struct ServeLogs: Sendable {
    /// Start, stop, configuration warnings.
    public let main: Logger
    /// Accepting and sweeping connections (slow-consumer closes, accept errors).
    public let server: Logger
    /// The price stream: a line per connection open and close; per tick at debug.
    public let push: Logger
    /// Admin actions (disconnect, broadcast, push) and their audit trail.
    public let admin: Logger
    /// The cluster: registry, control channel, cluster-wide user limits.
    public let cluster: Logger
    /// PostgreSQL and Redis: catalog, scheduler, quote sources, publisher, migrations.
    public let data: Logger

    public static let components = ["main", "server", "push", "admin", "cluster", "data"]

    public init(
        levels: LogLevels = LogLevels(), format: LogFormat = .text,
        sink: @escaping @Sendable (String) -> Void = StandardError.write
    ) {
        let base = Logger(label: "main", minimumLevel: levels.level(for: "main"), format: format, sink: sink)
        func logger(_ name: String) -> Logger { base.component(name, minimumLevel: levels.level(for: name)) }
        main = base
        server = logger("server")
        push = logger("push")
        admin = logger("admin")
        cluster = logger("cluster")
        data = logger("data")
    }

    static let options: [OptionSpec] = [
        OptionSpec(
            "--log-level", env: "LOG_LEVEL", default: "info",
            help: "LEVEL[,COMPONENT=LEVEL…]: debug, info, warning, error; components \(components.joined(separator: ", "))"),
        OptionSpec("--log-format", env: "LOG_FORMAT", default: "text", help: "text, or json (one object per line)"),
    ]

    /// From `--log-level` and `--log-format`; a mistake is a usage error naming it.
    init(from options: Options, sink: @escaping @Sendable (String) -> Void = StandardError.write) throws(UsageError) {
        let levelText = options.string("--log-level") ?? "info"
        let levels: LogLevels
        do {
            levels = try LogLevels(parsing: levelText, components: Self.components)
        } catch {
            throw .rejected(option: "--log-level", value: levelText, reason: "\(error)")
        }
        let formatText = options.string("--log-format") ?? "text"
        guard let format = LogFormat(rawValue: formatText.lowercased()) else {
            throw .invalidValue(option: "--log-format", value: formatText, expected: "text or json")
        }
        self.init(levels: levels, format: format, sink: sink)
    }
}
