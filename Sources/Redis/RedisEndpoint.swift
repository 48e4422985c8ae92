/// Where the Redis primary is: a fixed server, or whatever a set of sentinels names
/// for a master (Redis Sentinel high availability). Long-lived users connect through
/// an endpoint, so after a failover their next connection finds the new primary.
public enum RedisEndpoint: Sendable, Equatable, CustomStringConvertible {
    /// One server at this URL.
    case url(RedisURL)
    /// The primary of `masterName` as the sentinels report it; `settings` supplies the
    /// password, user and database (its host and port are not used).
    case sentinels(RedisSentinels, masterName: String, settings: RedisURL)

    /// For logs and errors: never shows a password.
    public var description: String {
        switch self {
        case .url(let url): url.redacted
        case .sentinels(let sentinels, let masterName, let settings):
            "Sentinel master '\(masterName)' via \(sentinels) (db \(settings.database)\(settings.password == nil ? "" : ", password"))"
        }
    }

    /// The address of the primary right now: the URL itself, or the first answer from
    /// the sentinels, asked in order with `timeoutSeconds` each. A sentinel that is down
    /// or does not know the master is skipped; when none names a primary, `noPrimary`
    /// says what each one answered.
    public func resolvePrimary(timeoutSeconds: Double = 1) throws(RedisError) -> RedisURL {
        switch self {
        case .url(let url):
            return url
        case .sentinels(let sentinels, let masterName, let settings):
            var tried: [String] = []
            for sentinel in sentinels.addresses {
                do throws(RedisError) {
                    let connection = try RedisConnection.connect(
                        .plain(host: sentinel.host, port: sentinel.port), timeoutSeconds: timeoutSeconds)
                    defer { connection.close() }
                    let reply = try connection.command("SENTINEL", "get-master-addr-by-name", masterName)
                    guard let primary = try SentinelReply.primaryAddress(reply) else {
                        tried.append("sentinel \(sentinel) does not know it")
                        continue
                    }
                    return settings.at(host: primary.host, port: primary.port)
                } catch {
                    tried.append("sentinel \(sentinel): \(error)")
                }
            }
            throw .noPrimary(master: masterName, tried: tried)
        }
    }

    /// Connects to the primary. Through sentinels, the server must also say it is a
    /// master (`ROLE`): right after a failover a sentinel may still name the old one.
    /// `log` hears the address a sentinel named.
    public func connectPrimary(
        timeoutSeconds: Double = 5, log: (String) -> Void = { _ in }
    ) throws(RedisError) -> RedisConnection {
        let url = try resolvePrimary(timeoutSeconds: min(1, timeoutSeconds))
        let connection = try RedisConnection.connect(url, timeoutSeconds: timeoutSeconds)
        guard case .sentinels(_, let masterName, _) = self else { return connection }
        do {
            try Self.expectPrimary(role: connection.command("ROLE"), url: url)
        } catch {
            connection.close()
            throw error
        }
        log("Redis primary of '\(masterName)' is \(url.address)")
        return connection
    }

    static func expectPrimary(role reply: RedisValue, url: RedisURL) throws(RedisError) {
        let role = try SentinelReply.role(reply)
        guard role == "master" else {
            throw .connectionFailed(url: url.redacted, message: "a sentinel named it primary but its role is \(role)")
        }
    }
}
