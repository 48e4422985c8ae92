import Redis
import Testing

@testable import StockPush

@Suite struct ServeCommandTests {
    private func configuration(_ arguments: [String], env: [String: String] = [:]) throws -> (Int, String, Int, Bool, Double) {
        let options = try Options(arguments: arguments, specs: ServeCommand.options, environment: env)
        let (config, echo) = try ServeCommand.configuration(from: options)
        return (config.port, config.host, config.threads, echo, config.webSocket.heartbeatInterval)
    }

    @Test func defaultsAreTheDocumentedOnes() throws {
        let (port, host, threads, echo, heartbeat) = try configuration([])
        #expect(port == 8000)
        #expect(host == "0.0.0.0")
        #expect(threads >= 1)
        #expect(!echo)
        #expect(heartbeat == 30)
    }

    @Test func flagsOverrideEnvironmentWhichOverridesDefaults() throws {
        let env = ["PORT": "9001", "HOST": "127.0.0.1", "STOCKPUSH_ECHO": "1", "HEARTBEAT_INTERVAL": "2.5"]
        var (port, host, _, echo, heartbeat) = try configuration([], env: env)
        #expect(port == 9001 && host == "127.0.0.1" && echo && heartbeat == 2.5)
        (port, host, _, echo, _) = try configuration(["--port", "9002", "--host=::1", "--threads", "3"], env: env)
        #expect(port == 9002 && host == "::1")
    }

    @Test func badValuesAreUsageErrors() {
        #expect(throws: UsageError.invalidValue(option: "--port", value: "eighty", expected: "an integer in 0...65535")) {
            _ = try configuration(["--port", "eighty"])
        }
        #expect(throws: UsageError.unknownOption("--nope")) { _ = try configuration(["--nope"]) }
        #expect(throws: UsageError.missingValue("--port")) { _ = try configuration(["--port"]) }
        #expect(throws: UsageError.self) { _ = try configuration(["--echo=maybe"]) }
    }

    @Test func unknownCommandsExit64() {
        #expect(Commands.run(arguments: ["frobnicate"], environment: [:]) == 64)
        #expect(Commands.run(arguments: ["serve", "--port", "x"], environment: [:]) == 64)
    }

    @Test func helpListsEveryOptionWithItsEnvironmentVariable() {
        for spec in ServeCommand.options {
            #expect(ServeCommand.usage.contains(spec.flag))
            if let env = spec.environment { #expect(ServeCommand.usage.contains(env)) }
        }
    }
}

@Suite struct DataConfigurationTests {
    func configuration(_ arguments: [String], env: [String: String] = [:]) throws -> DataConfiguration {
        try DataConfiguration(from: Options(arguments: arguments, specs: ServeCommand.options, environment: env))
    }

    @Test func readsURLsAndQuoteSettingsFromTheEnvironment() throws {
        let config = try configuration(
            [],
            env: [
                "REDIS_URL": "redis://:pw@cache:6380/2", "DATABASE_URL": "postgres://u:p@db:5433/x",
                "QUOTE_INTERVAL": "0.5", "QUOTE_SOURCE": "file", "QUOTE_FILE": "/tmp/day.csv",
            ])
        #expect(config.redisURL.port == 6380 && config.redisURL.database == 2)
        #expect(config.quoteInterval == 0.5)
        #expect(config.source == .file && config.filePath == "/tmp/day.csv")
        #expect(!config.databaseURL.redacted.contains(":p@"))
    }

    @Test func badURLsAreUsageErrorsThatHideThePassword() {
        #expect(throws: UsageError.self) { try configuration(["--redis-url", "http://cache"]) }
        do {
            _ = try configuration(["--database-url", "mysql://u:secret@db/x"])
            Issue.record("expected a usage error")
        } catch {
            #expect(!"\(error)".contains("secret"))
        }
        #expect(Commands.run(arguments: ["serve", "--redis-url", "redis://host:notaport"], environment: [:]) == 64)
        #expect(Commands.run(arguments: ["migrate", "--database-url", "nonsense://"], environment: [:]) == 64)
    }

    @Test func redisIsAFixedURLUnlessSentinelsAreGiven() throws {
        let fixed = try configuration([], env: ["REDIS_URL": "redis://cache:6380/2"])
        #expect(fixed.redisEndpoint == .url(try RedisURL("redis://cache:6380/2")))
        let sentinel = try configuration(
            ["--redis-master-name", "prices"],
            env: ["REDIS_URL": "redis://:pw@unused/2", "REDIS_SENTINELS": "10.0.0.1:26379,10.0.0.2:26380"])
        #expect(
            sentinel.redisEndpoint
                == .sentinels(
                    try RedisSentinels("10.0.0.1:26379,10.0.0.2:26380"), masterName: "prices",
                    settings: try RedisURL("redis://:pw@unused/2")))
        #expect(try configuration([], env: ["REDIS_SENTINELS": "s:1"]).redisMasterName == "stockpush")
    }

    @Test func badSentinelSettingsAreUsageErrors() {
        #expect(throws: UsageError.self) { try configuration(["--redis-sentinels", "a:1,,b"]) }
        #expect(throws: UsageError.self) { try configuration(["--redis-sentinels", "redis://a:1"]) }
        #expect(throws: UsageError.self) { try configuration(["--redis-master-name", "two words"]) }
        #expect(Commands.run(arguments: ["serve", "--redis-sentinels", "a:99999"], environment: [:]) == 64)
    }

    @Test func sourcesThatNeedSettingsSayWhich() {
        #expect(throws: UsageError.missingValue("--quote-http-url (QUOTE_HTTP_URL) for QUOTE_SOURCE=http")) {
            try configuration(["--quote-source", "http"])
        }
        #expect(throws: UsageError.self) { try configuration(["--quote-source", "carrier-pigeon"]) }
        #expect(throws: UsageError.self) { try configuration(["--quote-interval", "0"]) }
    }
}
