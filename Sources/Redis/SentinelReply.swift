/// The two replies Sentinel discovery reads, parsed without I/O so the shapes are
/// unit-tested: `SENTINEL get-master-addr-by-name` and the primary's `ROLE`.
public enum SentinelReply {
    /// The primary a sentinel names: `[host, port]`, or nil when the sentinel does not
    /// monitor that master (a null reply). Any other shape throws `unexpectedReply`.
    public static func primaryAddress(_ reply: RedisValue) throws(RedisError) -> RedisSentinels.Address? {
        if case .null = reply { return nil }
        guard let parts = reply.array, parts.count == 2, let host = parts[0].string, !host.isEmpty,
            let port = parts[1].int, (1...65_535).contains(port)
        else { throw .unexpectedReply(expected: "[host, port] of the primary", got: reply.kind) }
        return RedisSentinels.Address(host: host, port: port)
    }

    /// The role a server reports (`master`, `slave` or `sentinel`): the first element of
    /// the `ROLE` reply. Throws `unexpectedReply` for any other shape.
    public static func role(_ reply: RedisValue) throws(RedisError) -> String {
        guard let parts = reply.array, let role = parts.first?.string else {
            throw .unexpectedReply(expected: "ROLE reply", got: reply.kind)
        }
        return role
    }
}
