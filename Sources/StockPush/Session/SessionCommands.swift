import PushCore
import PushProtocol
import Redis

/// The Redis side of session resume, as commands (pure, so what is sent is testable
/// without a server). A session is one string key, `P:session:<token>`, holding the
/// record's JSON and expiring `SESSION_RESUME_TTL` after its last write or refresh.
struct SessionCommands: Sendable {
    let prefix: String
    let ttlMilliseconds: Int

    func key(_ token: ResumeToken) -> String { "\(prefix):session:\(token)" }

    /// A change writes the record whether or not one exists; a close (`final`) only
    /// refreshes one that still does (`XX`): if the token was used on another instance
    /// meanwhile, the close must not bring it back.
    func write(_ token: ResumeToken, json: [UInt8], final: Bool) -> [[UInt8]] {
        var command: [[UInt8]] = [
            Array("SET".utf8), Array(key(token).utf8), json, Array("PX".utf8), Array(String(ttlMilliseconds).utf8),
        ]
        if final { command.append(Array("XX".utf8)) }
        return command
    }

    /// Keeps a live connection's record from expiring (nothing if it has none).
    func refresh(_ token: ResumeToken) -> [[UInt8]] {
        [Array("PEXPIRE".utf8), Array(key(token).utf8), Array(String(ttlMilliseconds).utf8)]
    }

    /// Reads and deletes the record in one step, only for its own user: two resumes of one
    /// token cannot both succeed, and another user's attempt leaves the record alone.
    /// Answers the JSON, or nil.
    static let takeSource = """
        local stored = redis.call('GET', KEYS[1])
        if not stored then return false end
        local ok, record = pcall(cjson.decode, stored)
        if not ok or type(record) ~= 'table' or record.user ~= ARGV[1] then return false end
        redis.call('DEL', KEYS[1])
        return stored
        """

    func take(_ token: ResumeToken, user: String) -> [[UInt8]] {
        [Array("EVAL".utf8), Array(Self.takeSource.utf8), Array("1".utf8), Array(key(token).utf8), Array(user.utf8)]
    }

    /// The reply of `take`: the record, or `.missing` (none, another user's, or one that
    /// does not read as a record).
    static func lookup(_ reply: RedisValue) -> SessionLookup {
        guard let bytes = reply.bytes, let record = SessionRecord(json: bytes) else { return .missing }
        return .found(record)
    }
}
