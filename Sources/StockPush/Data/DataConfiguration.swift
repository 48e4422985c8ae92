import Market
import Postgres
import Redis

/// Where the data lives and where quotes come from.
public struct DataConfiguration: Sendable {
    public enum SourceKind: String, Sendable, CaseIterable {
        case simulated
        case http
        case file
    }

    public var redisURL: RedisURL
    /// `REDIS_SENTINELS`: when set, the primary is found through these sentinels and
    /// `redisURL` only supplies the password and database.
    public var redisSentinels: RedisSentinels?
    public var redisMasterName = "stockpush"
    public var databaseURL: PostgresURL
    public var redisPrefix = "stockpush"
    /// Seconds between quote pulls (fractions allowed).
    public var quoteInterval: Double = 60
    /// Seconds after which a quote in an open market is stale (`STALE_AFTER`; default
    /// three pull intervals); 0 turns the flag off.
    public var staleAfter: Double = 180
    public var source: SourceKind = .simulated
    public var simulationSeed: UInt64 = 20_261_122
    public var httpURL: String?
    public var httpPath = ""
    public var httpFields = HTTPQuoteSource.FieldMapping()
    public var httpTimeout: Double = 5
    public var filePath: String?
    public var fileSpeed: Double = 1
    public var migrationsDirectory = "migrations"

    public static let options: [OptionSpec] = [
        OptionSpec(
            "--redis-url", env: "REDIS_URL", default: "redis://127.0.0.1:6379/0", help: "Redis (redis://[:password@]host:port/db)"
        ),
        OptionSpec(
            "--redis-sentinels", env: "REDIS_SENTINELS",
            help: "Redis Sentinel set host:port,host:port; the primary is asked of them (REDIS_URL gives password and db)"),
        OptionSpec(
            "--redis-master-name", env: "REDIS_MASTER_NAME", default: "stockpush",
            help: "the master name the sentinels monitor"),
        OptionSpec(
            "--database-url", env: "DATABASE_URL", default: "postgres://stockpush@127.0.0.1:5432/stockpush",
            help: "PostgreSQL URL"),
        OptionSpec("--redis-prefix", env: "REDIS_PREFIX", default: "stockpush", help: "prefix of every Redis key"),
        OptionSpec(
            "--quote-interval", env: "QUOTE_INTERVAL", default: "60", help: "seconds between quote pulls (fractions allowed)"),
        OptionSpec(
            "--stale-after", env: "STALE_AFTER",
            help:
                "seconds without a new quote_time after which an open market's quote is flagged stale (default 3 quote intervals; 0: off)"
        ),
        OptionSpec("--quote-source", env: "QUOTE_SOURCE", default: "simulated", help: "simulated, http or file"),
        OptionSpec("--quote-seed", env: "QUOTE_SEED", default: "20261122", help: "random seed of the simulated source"),
        OptionSpec("--quote-http-url", env: "QUOTE_HTTP_URL", help: "http source: URL returning JSON quotes"),
        OptionSpec("--quote-http-path", env: "QUOTE_HTTP_PATH", default: "", help: "http source: dotted path to the quote array"),
        OptionSpec(
            "--quote-http-fields", env: "QUOTE_HTTP_FIELDS", default: "",
            help: "http source: field mapping, e.g. code=symbol,price=last"),
        OptionSpec("--quote-http-timeout", env: "QUOTE_HTTP_TIMEOUT", default: "5", help: "http source: seconds per request"),
        OptionSpec("--quote-file", env: "QUOTE_FILE", help: "file source: CSV recording to replay"),
        OptionSpec(
            "--quote-file-speed", env: "QUOTE_FILE_SPEED", default: "1", help: "file source: recorded seconds per real second"),
        OptionSpec("--migrations-dir", env: "MIGRATIONS_DIR", default: "migrations", help: "folder of numbered .sql migrations"),
    ]

    public init(from options: Options) throws(UsageError) {
        let redisText = options.string("--redis-url") ?? ""
        do {
            redisURL = try RedisURL(redisText)
        } catch {
            throw .invalidValue(
                option: "--redis-url (REDIS_URL)", value: Self.redactedForError(redisText),
                expected: "redis://[[user]:password@]host[:port][/db] (\(error))")
        }
        if let sentinelText = options.string("--redis-sentinels"), !sentinelText.isEmpty {
            do {
                redisSentinels = try RedisSentinels(sentinelText)
            } catch {
                throw .invalidValue(
                    option: "--redis-sentinels (REDIS_SENTINELS)", value: sentinelText, expected: "host:port,host:port (\(error))"
                )
            }
        }
        redisMasterName = options.string("--redis-master-name") ?? "stockpush"
        guard !redisMasterName.isEmpty, !redisMasterName.contains(where: { $0 == " " || $0 == "," }) else {
            throw .invalidValue(
                option: "--redis-master-name (REDIS_MASTER_NAME)", value: redisMasterName, expected: "a name without spaces")
        }
        let databaseText = options.string("--database-url") ?? ""
        do {
            databaseURL = try PostgresURL(databaseText)
        } catch {
            throw .invalidValue(
                option: "--database-url (DATABASE_URL)", value: Self.redactedForError(databaseText),
                expected: "postgres://user[:password]@host[:port]/database (\(error))")
        }
        redisPrefix = options.string("--redis-prefix") ?? "stockpush"
        guard !redisPrefix.isEmpty, !redisPrefix.contains(" ") else {
            throw .invalidValue(option: "--redis-prefix", value: redisPrefix, expected: "a non-empty key prefix without spaces")
        }
        quoteInterval = try options.double("--quote-interval", minimum: 0.01) ?? 60
        staleAfter = try options.double("--stale-after") ?? 3 * quoteInterval
        let sourceName = options.string("--quote-source") ?? "simulated"
        guard let kind = SourceKind(rawValue: sourceName) else {
            throw .invalidValue(option: "--quote-source", value: sourceName, expected: "simulated, http or file")
        }
        source = kind
        if let seed = options.string("--quote-seed") {
            guard let value = UInt64(seed) else {
                throw .invalidValue(option: "--quote-seed", value: seed, expected: "an unsigned integer")
            }
            simulationSeed = value
        }
        httpURL = options.string("--quote-http-url")
        httpPath = options.string("--quote-http-path") ?? ""
        if let spec = options.string("--quote-http-fields"), !spec.isEmpty {
            do {
                httpFields = try HTTPQuoteSource.FieldMapping(spec: spec)
            } catch {
                throw .invalidValue(option: "--quote-http-fields", value: spec, expected: "\(error)")
            }
        }
        httpTimeout = try options.double("--quote-http-timeout", minimum: 0.1) ?? 5
        filePath = options.string("--quote-file")
        fileSpeed = try options.double("--quote-file-speed", minimum: 0.001) ?? 1
        migrationsDirectory = options.string("--migrations-dir") ?? "migrations"
        switch kind {
        case .http where httpURL == nil:
            throw .missingValue("--quote-http-url (QUOTE_HTTP_URL) for QUOTE_SOURCE=http")
        case .file where filePath == nil:
            throw .missingValue("--quote-file (QUOTE_FILE) for QUOTE_SOURCE=file")
        default:
            break
        }
    }

    /// Where every Redis user connects: the sentinels' primary when `REDIS_SENTINELS` is
    /// set, else `REDIS_URL`.
    public var redisEndpoint: RedisEndpoint {
        guard let redisSentinels else { return .url(redisURL) }
        return .sentinels(redisSentinels, masterName: redisMasterName, settings: redisURL)
    }

    /// URLs in error messages never show a password.
    static func redactedForError(_ url: String) -> String {
        guard let at = url.lastIndex(of: "@"), let scheme = url.range(of: "://"), scheme.upperBound < at else { return url }
        let credentials = url[scheme.upperBound..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return url }
        return String(url[..<url.index(after: colon)]) + "***" + String(url[at...])
    }
}
