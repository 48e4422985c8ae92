/// One blocking Redis connection, for dedicated threads (the scheduler, the admin
/// worker) and never an event-loop thread: every call waits for the network.
///
/// Not Sendable: the hiredis context inside is not thread-safe, so a connection
/// belongs to the thread that uses it. After `connectionLost` or `timeout` the
/// connection is closed (`isConnected == false`); make a new one (see `RedisClient`).
public final class RedisConnection {
    private let context: HiredisContext

    private init(context: HiredisContext) {
        self.context = context
    }

    /// Connects (with a timeout that also becomes the read timeout), sends AUTH if
    /// the URL has a password, and SELECTs the URL's database.
    public static func connect(_ url: RedisURL, timeoutSeconds: Double = 5) throws(RedisError) -> RedisConnection {
        let connection = RedisConnection(context: try HiredisContext.connect(url, timeoutSeconds: timeoutSeconds))
        do {
            try connection.prepare(for: url)
        } catch {
            connection.close()
            switch error {
            case .server(let message): throw .connectionFailed(url: url.redacted, message: message)
            default: throw .connectionFailed(url: url.redacted, message: error.description)
            }
        }
        return connection
    }

    /// Sends the same setup a new subscriber needs too: AUTH, then SELECT.
    private func prepare(for url: RedisURL) throws(RedisError) {
        if let password = url.password {
            var auth = ["AUTH"]
            if let username = url.username { auth.append(username) }
            auth.append(password)
            try command(auth.map { Array($0.utf8) })
        }
        if url.database != 0 {
            try command("SELECT", String(url.database))
        }
    }

    /// Sends one command and waits for its reply. Binary-safe: arguments are passed
    /// with explicit lengths. An error reply throws `.server` with Redis's message.
    @discardableResult
    public func command(_ arguments: [[UInt8]]) throws(RedisError) -> RedisValue {
        try context.append(arguments)
        let reply = try context.readReply()
        if case .error(let message) = reply { throw .server(message) }
        return reply
    }

    @discardableResult
    public func command(_ arguments: String...) throws(RedisError) -> RedisValue {
        try command(arguments.map { Array($0.utf8) })
    }

    /// Sends every command before reading any reply (one round trip instead of N),
    /// then returns the replies in order. Error replies come back as `.error` values
    /// so one failed command does not hide the others' results.
    public func pipeline(_ commands: [[[UInt8]]]) throws(RedisError) -> [RedisValue] {
        for command in commands { try context.append(command) }
        var replies: [RedisValue] = []
        replies.reserveCapacity(commands.count)
        for _ in commands { replies.append(try context.readReply()) }
        return replies
    }

    /// Runs the commands atomically with MULTI ... EXEC in one round trip and returns
    /// EXEC's replies (runtime errors, such as WRONGTYPE, as `.error` elements).
    /// A command Redis refuses to queue aborts the whole transaction with `.server`.
    public func transaction(_ commands: [[[UInt8]]]) throws(RedisError) -> [RedisValue] {
        let replies = try pipeline([[Array("MULTI".utf8)]] + commands + [[Array("EXEC".utf8)]])
        if case .error(let message) = replies[0] { throw .server(message) }
        let exec = replies[replies.count - 1]
        switch exec {
        case .array(let results):
            return results
        case .error(let message):
            // EXECABORT: report the first queuing error too, it says which command was wrong.
            let queued = replies.dropFirst().dropLast()
            if let reason = queued.lazy.compactMap({ value -> String? in
                if case .error(let text) = value { return text }
                return nil
            }).first {
                throw .server("\(message) (\(reason))")
            }
            throw .server(message)
        case .null:
            throw .unexpectedReply(expected: "EXEC results", got: "null (a WATCHed key changed)")
        default:
            throw .unexpectedReply(expected: "EXEC results", got: exec.kind)
        }
    }

    /// How long a blocking read or write may wait; zero means forever. A read that
    /// times out throws `.timeout` and closes the connection (hiredis 0.14 cannot
    /// recover the context), so set this above any blocking command's own timeout.
    public func setReadTimeout(seconds: Double) {
        context.setTimeout(seconds: seconds)
    }

    /// False after `close()` or after an error that closed the connection.
    public var isConnected: Bool { context.isOpen }

    public func close() {
        context.close()
    }
}

@available(*, unavailable)
extension RedisConnection: Sendable {}
