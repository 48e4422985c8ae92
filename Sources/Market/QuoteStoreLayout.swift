/// The Redis key layout of the quote store. Every key starts with a prefix so several
/// deployments can share one Redis; all instances of one deployment use the same.
///
/// | key | type | holds |
/// |---|---|---|
/// | `P:quotes:latest` | hash | stock code → latest quote (QuoteCodec JSON), written whole per tick |
/// | `P:quotes:published` | hash | stock code → last quote the publisher sent (the diff baseline) |
/// | `P:tick` | string | sequence number of the last tick (INCR) |
/// | `P:ticks` | channel | `{"tick":N,"at":"…","count":M}` after each tick |
/// | `P:scheduler:leader` | string | owner id of the scheduler holding the lead, with a TTL |
public struct QuoteStoreLayout: Sendable, Equatable {
    public let prefix: String

    public init(prefix: String = "stockpush") {
        self.prefix = prefix
    }

    public var latestQuotes: String { "\(prefix):quotes:latest" }
    public var publishedQuotes: String { "\(prefix):quotes:published" }
    public var tickSequence: String { "\(prefix):tick" }
    public var tickChannel: String { "\(prefix):ticks" }
    public var schedulerLock: String { "\(prefix):scheduler:leader" }

    /// Writes a tick atomically and announces it, in one round trip:
    /// KEYS = [latest, tick]; ARGV = [channel, at, code1, quote1, code2, quote2, …].
    /// Returns the new tick number.
    public static let writeTickScript = """
        local n = #ARGV
        for i = 3, n, 2 do
          redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
        end
        local tick = redis.call('INCR', KEYS[2])
        redis.call('PUBLISH', ARGV[1], '{"tick":' .. tick .. ',"at":"' .. ARGV[2] .. '","count":' .. ((n - 2) / 2) .. '}')
        return tick
        """

    /// Takes the lock when free, renews it when ours: KEYS = [lock]; ARGV = [owner, ttl ms].
    /// Returns 1 when `owner` holds the lock afterwards.
    public static let acquireLockScript = """
        local holder = redis.call('GET', KEYS[1])
        if holder == false or holder == ARGV[1] then
          redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
          return 1
        end
        return 0
        """

    /// Deletes the lock only if `owner` holds it: KEYS = [lock]; ARGV = [owner].
    public static let releaseLockScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('DEL', KEYS[1])
        end
        return 0
        """
}
