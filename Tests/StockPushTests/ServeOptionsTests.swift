import Synchronization
import Telemetry
import Testing

@testable import StockPush

/// The seed's names (`WS_HEARTBEAT_INTERVAL`, `WS_MAX_CONNECTIONS_PER_USER`) and the
/// logging options.
@Suite struct ServeOptionsTests {
    private func options(_ arguments: [String] = [], env: [String: String]) throws -> Options {
        try Options(arguments: arguments, specs: ServeCommand.options, environment: env)
    }

    private func heartbeat(_ options: Options) throws -> Double {
        try ServeCommand.configuration(from: options).0.webSocket.heartbeatInterval
    }

    @Test func theSeedHeartbeatNameIsReadWhenThePrimaryIsUnset() throws {
        let aliased = try options(env: ["WS_HEARTBEAT_INTERVAL": "7"])
        #expect(try heartbeat(aliased) == 7)
        #expect(aliased.warnings.isEmpty)
        #expect(try heartbeat(options(env: ["WS_HEARTBEAT_INTERVAL": ""])) == 30, "empty counts as unset")
    }

    @Test func thePrimaryNameWinsAndADifferentAliasIsWarnedAbout() throws {
        let both = try options(env: ["HEARTBEAT_INTERVAL": "5", "WS_HEARTBEAT_INTERVAL": "7"])
        #expect(try heartbeat(both) == 5)
        #expect(both.warnings == ["WS_HEARTBEAT_INTERVAL=7 is ignored: HEARTBEAT_INTERVAL=5 is set and wins"])
        let same = try options(env: ["HEARTBEAT_INTERVAL": "5", "WS_HEARTBEAT_INTERVAL": "5"])
        #expect(same.warnings.isEmpty, "the same value twice is no conflict")
        let flagged = try options(["--heartbeat-interval", "3"], env: ["WS_HEARTBEAT_INTERVAL": "7"])
        #expect(try heartbeat(flagged) == 3, "a flag wins over every environment name")
        #expect(throws: UsageError.self) { try heartbeat(options(env: ["WS_HEARTBEAT_INTERVAL": "soon"])) }
    }

    @Test func deflateIsOffByDefaultAndTakesOnOrOff() throws {
        func deflate(_ options: Options) throws -> Bool { try ServeCommand.configuration(from: options).0.webSocket.deflate }
        #expect(try deflate(options(env: [:])) == false)
        #expect(try deflate(options(env: ["WS_DEFLATE": "on"])) == true)
        #expect(try deflate(options(["--deflate", "off"], env: ["WS_DEFLATE": "on"])) == false)
        #expect(throws: UsageError.self) { try deflate(options(env: ["WS_DEFLATE": "gzip"])) }
    }

    @Test func sessionResumeTTLDefaultsTo120AndZeroTurnsResumeOff() throws {
        #expect(try PushConfiguration(from: options(env: [:])).sessionResumeTTL == 120)
        #expect(try PushConfiguration(from: options(env: ["SESSION_RESUME_TTL": "0"])).sessionResumeTTL == 0)
        #expect(try PushConfiguration(from: options(["--session-resume-ttl", "2.5"], env: [:])).sessionResumeTTL == 2.5)
        #expect(throws: UsageError.self) { try PushConfiguration(from: options(env: ["SESSION_RESUME_TTL": "-1"])) }
        #expect(throws: UsageError.self) { try PushConfiguration(from: options(env: ["SESSION_RESUME_TTL": "soon"])) }
    }

    @Test func theSeedPerUserLimitNameIsTheSettingsOwn() throws {
        let configuration = try PushConfiguration(from: options(env: ["WS_MAX_CONNECTIONS_PER_USER": "9"]))
        #expect(configuration.maxConnectionsPerUser == 9)
    }

    @Test func theServiceTokenAndTheNotificationLimitsAreRead() throws {
        let set = try options(env: ["SERVICE_TOKEN": "s3cret", "NOTIFY_QUEUE_MAX": "5", "NOTIFY_TTL": "60"])
        #expect(try PushConfiguration(from: set).serviceToken == "s3cret")
        #expect(try PushConfiguration(from: options(env: ["SERVICE_TOKEN": ""])).serviceToken == nil, "empty: unset")
        let limits = try NotificationConfiguration.limits(set)
        #expect(limits.queueCap == 5 && limits.queueTTLMilliseconds == 60_000)
        #expect(try NotificationConfiguration.limits(options(env: [:])) == NotificationStore.Limits(), "defaults")
        #expect(throws: UsageError.self) { try NotificationConfiguration.limits(options(env: ["NOTIFY_QUEUE_MAX": "0"])) }
    }

    @Test func helpNamesTheAlias() {
        #expect(ServeCommand.usage.contains("env HEARTBEAT_INTERVAL or WS_HEARTBEAT_INTERVAL"))
    }

    @Test func logLevelsPerComponentAndTheFormat() throws {
        let lines = Mutex<[String]>([])
        let logs = try ServeLogs(
            from: options(env: ["LOG_LEVEL": "warning,push=debug", "LOG_FORMAT": "JSON"]),
            sink: { line in lines.withLock { $0.append(line) } })
        #expect(logs.push.minimumLevel == .debug && logs.cluster.minimumLevel == .warning)
        #expect(logs.main.format == .json && logs.admin.format == .json)
        #expect(logs.push.label == "push" && logs.data.label == "data" && logs.server.label == "server")
        logs.push.debug("tick")
        logs.cluster.info("quiet")
        #expect(lines.withLock { $0.count } == 1)
        let defaults = try ServeLogs(from: options(env: [:]))
        #expect(defaults.push.minimumLevel == .info && defaults.push.format == .text)
    }

    @Test func badLoggingValuesAreRefusedAtStart() {
        #expect(
            throws: UsageError.rejected(
                option: "--log-level", value: "info,web=debug",
                reason: "unknown component 'web' (components: main, server, push, admin, cluster, data)")
        ) { try ServeLogs(from: options(env: ["LOG_LEVEL": "info,web=debug"])) }
        #expect(throws: UsageError.invalidValue(option: "--log-format", value: "xml", expected: "text or json")) {
            try ServeLogs(from: options(["--log-format", "xml"], env: [:]))
        }
        #expect(Commands.run(arguments: ["serve", "--log-level", "loud"], environment: [:]) == 64)
        #expect(Commands.run(arguments: ["migrate"], environment: ["LOG_FORMAT": "xml"]) == 64)
    }
}
