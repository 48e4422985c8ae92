/// The Redis key layout of the quote store. Every key starts with a prefix so several
/// deployments can share one Redis; all instances of one deployment use the same.
///
/// | key | type | holds |
/// |---|---|---|
/// | `P:quotes:latest` | hash | stock code → latest quote (QuoteCodec JSON); each tick writes the changed ones |
/// | `P:tick` | string | sequence number of the last tick (INCR) |
/// | `P:ticks` | channel | the tick's `TickMessage` (its changed quotes) after each tick |
/// | `P:scheduler:leader` | string | owner id of the scheduler holding the lead, with a TTL |
public struct QuoteStoreLayout: Sendable, Equatable {
    public let prefix: String

    public init(prefix: String = "stockpush") {
        self.prefix = prefix
    }

    public var latestQuotes: String { "\(prefix):quotes:latest" }
    public var tickSequence: String { "\(prefix):tick" }
    public var tickChannel: String { "\(prefix):ticks" }
    public var schedulerLock: String { "\(prefix):scheduler:leader" }

    /// Writes a tick atomically and announces it, in one round trip, if the store is
    /// still at the tick the message follows: KEYS = [latest, tick]; ARGV = [channel,
    /// previous tick, TickMessage bytes]. The records are read (and checked) before
    /// anything is written, so a malformed message changes nothing. Returns {1, tick}
    /// when written, {0, current tick} when the store had moved on.
    public static let writeTickScript = """
        local current = tonumber(redis.call('GET', KEYS[2]) or '0') or -1
        if current ~= tonumber(ARGV[2]) then return {0, current} end
        local m = ARGV[3]
        local function int(at, size)
          local value = 0
          for i = at, at + size - 1 do value = value * 256 + string.byte(m, i) end
          return value
        end
        if #m < 24 or string.sub(m, 1, 4) ~= 'SPT\\1' then return redis.error_reply('not a tick message') end
        local fields, at = {}, 25
        for _ = 1, int(21, 4) do
          if at + 1 > #m then return redis.error_reply('truncated tick message') end
          local code_end = at + 1 + int(at, 2)
          if code_end + 4 > #m then return redis.error_reply('truncated tick message') end
          local quote_end = code_end + 4 + int(code_end + 1, 4)
          if quote_end > #m then return redis.error_reply('truncated tick message') end
          fields[#fields + 1] = string.sub(m, at + 2, code_end)
          fields[#fields + 1] = string.sub(m, code_end + 5, quote_end)
          at = quote_end + 1
        end
        if at ~= #m + 1 then return redis.error_reply('trailing bytes after the tick message') end
        for i = 1, #fields, 2 do redis.call('HSET', KEYS[1], fields[i], fields[i + 1]) end
        local tick = redis.call('INCR', KEYS[2])
        redis.call('PUBLISH', ARGV[1], m)
        return {1, tick}
        """

    /// The store's tick and every latest quote, atomically (MULTI/EXEC of these two).
    public var readBaselineCommands: [[String]] {
        [["GET", tickSequence], ["HGETALL", latestQuotes]]
    }

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
