import Redis

/// The Redis side of the cluster-wide per-user connection limit, as commands (pure, so
/// what is sent is testable without a server).
///
/// Each instance owns `P:user-connections:<id>`, a hash user → connections it holds,
/// and only ever *sets* its fields to its own local count (never adds to them): the
/// reservation, the release and the heartbeat all write the local truth, so a lost or
/// doubled message is corrected by the next one (or the next full rewrite), and the
/// heartbeat's PEXPIRE is the lease that lets a crashed instance's counts expire. A user's cluster count is the
/// sum over live instances, the members of `P:instances` heard within the TTL (that
/// set belongs to the instance registry; nothing here adds to it).
struct ClusterLimitScript: Sendable {
    let prefix: String
    let instanceID: String
    let ttlMilliseconds: Int

    /// The configured Redis prefix P (keys are `P:instances`, `P:user-connections:<id>`).
    var instancesKey: String { prefix + ":instances" }
    var ownKey: String { connectionsKey(instanceID) }
    var connectionsKeyPrefix: String { prefix + ":user-connections:" }
    func connectionsKey(_ instance: String) -> String { connectionsKeyPrefix + instance }

    /// Atomic check-and-set. KEYS: the registry, this instance's hash. ARGV: user, limit,
    /// this instance's count with the new connection, now (ms), TTL (ms), hash key prefix,
    /// own id. Answers {1, others} when admitted, {0, others} when the user is at the
    /// limit; `others` is what the other live instances hold.
    static let reserveSource = """
        local live = redis.call('ZRANGEBYSCORE', KEYS[1], tonumber(ARGV[4]) - tonumber(ARGV[5]), '+inf')
        local others = 0
        for _, id in ipairs(live) do
            if id ~= ARGV[7] then
                others = others + (tonumber(redis.call('HGET', ARGV[6] .. id, ARGV[1])) or 0)
            end
        end
        if others + tonumber(ARGV[3]) > tonumber(ARGV[2]) then return {0, others} end
        redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
        redis.call('PEXPIRE', KEYS[2], ARGV[5])
        return {1, others}
        """

    /// EVAL for one more connection of `user`, of which this instance would then hold
    /// `localCount` (the new one included).
    func reserve(user: String, limit: Int, localCount: Int, nowMilliseconds: Int64) -> [[UInt8]] {
        [
            "EVAL", Self.reserveSource, "2", instancesKey, ownKey, user, String(limit), String(localCount),
            String(nowMilliseconds), String(ttlMilliseconds), connectionsKeyPrefix, instanceID,
        ].map { Array($0.utf8) }
    }

    /// A transaction that sets `user`'s field to what this instance now holds (gone at 0).
    func release(user: String, localCount: Int) -> [[[UInt8]]] {
        let write = localCount > 0 ? ["HSET", ownKey, user, String(localCount)] : ["HDEL", ownKey, user]
        return [write, ["PEXPIRE", ownKey, String(ttlMilliseconds)]].map { $0.map { Array($0.utf8) } }
    }

    /// Renews the lease on this instance's hash (what most heartbeats send).
    var renewal: [[UInt8]] { ["PEXPIRE", ownKey, String(ttlMilliseconds)].map { Array($0.utf8) } }

    /// A transaction that rewrites this instance's hash from its local counts and renews
    /// the lease: whatever drifted (a reply lost in an outage) heals within one beat.
    func heartbeat(_ counts: [String: Int]) -> [[[UInt8]]] {
        var commands = [["DEL", ownKey]]
        let held = counts.filter { $0.value > 0 }.sorted { $0.key < $1.key }
        if !held.isEmpty {
            commands.append(["HSET", ownKey] + held.flatMap { [$0.key, String($0.value)] })
            commands.append(["PEXPIRE", ownKey, String(ttlMilliseconds)])
        }
        return commands.map { $0.map { Array($0.utf8) } }
    }

    /// Reads the reserve script's answer.
    static func verdict(_ reply: RedisValue) throws(RedisError) -> (admitted: Bool, others: Int) {
        guard let values = reply.array, values.count == 2, let admitted = values[0].int, let others = values[1].int else {
            throw .unexpectedReply(expected: "{admitted, others}", got: "\(reply)")
        }
        return (admitted == 1, others)
    }
}
