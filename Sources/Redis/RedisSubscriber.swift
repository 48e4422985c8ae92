/// A dedicated pub/sub connection (Redis allows only subscription commands on it),
/// read by one thread: the publisher's subscriber thread.
///
/// Waiting is done with poll(2) on the socket, never with a hiredis read timeout:
/// in hiredis 0.14 a read that times out sets a sticky I/O error (EAGAIN) on the
/// context, so a quiet channel would otherwise kill the connection.
public final class RedisSubscriber {
    private let context: HiredisContext
    /// Messages that arrived while we were reading subscription confirmations.
    private var pending: [RedisMessage] = []
    private var pendingStart = 0

    private init(context: HiredisContext) {
        self.context = context
    }

    public static func connect(_ url: RedisURL, timeoutSeconds: Double = 5) throws(RedisError) -> RedisSubscriber {
        // Set up (AUTH, SELECT) with a plain connection's logic, then keep its socket.
        let context = try HiredisContext.connect(url, timeoutSeconds: timeoutSeconds)
        let subscriber = RedisSubscriber(context: context)
        do {
            if let password = url.password {
                try subscriber.expectOK(["AUTH"] + (url.username.map { [$0] } ?? []) + [password])
            }
            if url.database != 0 { try subscriber.expectOK(["SELECT", String(url.database)]) }
        } catch {
            subscriber.close()
            switch error {
            case .server(let message): throw .connectionFailed(url: url.redacted, message: message)
            default: throw .connectionFailed(url: url.redacted, message: error.description)
            }
        }
        return subscriber
    }

    /// Connects to the endpoint's primary (asking the sentinels, and checking its `ROLE`,
    /// as `RedisEndpoint.connectPrimary` does). `log` hears the address a sentinel named.
    public static func connect(
        _ endpoint: RedisEndpoint, timeoutSeconds: Double = 5, log: (String) -> Void = { _ in }
    ) throws(RedisError) -> RedisSubscriber {
        let url = try endpoint.resolvePrimary(timeoutSeconds: min(1, timeoutSeconds))
        let subscriber = try connect(url, timeoutSeconds: timeoutSeconds)
        guard case .sentinels(_, let masterName, _) = endpoint else { return subscriber }
        do {
            try RedisEndpoint.expectPrimary(role: subscriber.expectOK(["ROLE"]), url: url)
        } catch {
            subscriber.close()
            throw error
        }
        log("Redis primary of '\(masterName)' is \(url.address)")
        return subscriber
    }

    @discardableResult
    private func expectOK(_ arguments: [String]) throws(RedisError) -> RedisValue {
        try context.append(arguments.map { Array($0.utf8) })
        let reply = try context.readReply()
        if case .error(let message) = reply { throw .server(message) }
        return reply
    }

    /// Subscribes to channels and waits for Redis to confirm each one, so a message
    /// published after this returns is guaranteed to be delivered.
    public func subscribe(_ channels: [String]) throws(RedisError) {
        try subscribe(command: "SUBSCRIBE", confirmation: "subscribe", channels)
    }

    /// Subscribes to glob patterns (`prices.*`); messages carry the matching pattern.
    public func psubscribe(_ patterns: [String]) throws(RedisError) {
        try subscribe(command: "PSUBSCRIBE", confirmation: "psubscribe", patterns)
    }

    private func subscribe(command: String, confirmation: String, _ names: [String]) throws(RedisError) {
        guard !names.isEmpty else { return }
        try context.append(([command] + names).map { Array($0.utf8) })
        var confirmed = 0
        while confirmed < names.count {
            let reply = try readBlocking()
            if let message = Self.message(from: reply) {
                pending.append(message)
                continue
            }
            if case .error(let text) = reply { throw .server(text) }
            guard let parts = reply.array, parts.first?.string == confirmation else {
                throw .unexpectedReply(expected: "\(confirmation) confirmation", got: reply.kind)
            }
            confirmed += 1
        }
    }

    /// Blocks up to `timeoutSeconds` for the next message; nil when none arrived.
    /// A timeout leaves the connection healthy; a closed or broken connection throws
    /// `connectionLost` (make a new subscriber and subscribe again).
    public func nextMessage(timeoutSeconds: Double) throws(RedisError) -> RedisMessage? {
        if pendingStart < pending.count {
            defer {
                pendingStart += 1
                if pendingStart == pending.count {
                    pending.removeAll(keepingCapacity: true)
                    pendingStart = 0
                }
            }
            return pending[pendingStart]
        }
        let clock = ContinuousClock()
        let deadline = clock.now + .milliseconds(Int64(max(0, timeoutSeconds) * 1000))
        while true {
            // Bytes already read may hold whole replies: poll(2) would not see them.
            while let reply = try context.bufferedReply() {
                if let message = Self.message(from: reply) { return message }
            }
            let remaining = clock.now.duration(to: deadline)
            // Rounded up, so the last wait does not spin on zero-millisecond polls.
            let milliseconds = max(
                0,
                remaining.components.seconds * 1000
                    + (remaining.components.attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
            if try !context.waitReadable(milliseconds: Int32(clamping: milliseconds)) {
                if clock.now >= deadline { return nil }
                continue  // EINTR
            }
            // Readable: the read now returns at once (data or EOF). Only a reply stalled
            // midway can hit the socket timeout, and that connection is beyond saving.
            if let message = Self.message(from: try readBlocking()) { return message }
        }
    }

    private func readBlocking() throws(RedisError) -> RedisValue {
        do {
            return try context.readReply()
        } catch .timeout {
            throw .connectionLost(message: "timed out in the middle of a pub/sub reply")
        }
    }

    /// A `message` or `pmessage` push; nil for confirmations and anything else.
    private static func message(from reply: RedisValue) -> RedisMessage? {
        guard let parts = reply.array, let kind = parts.first?.string else { return nil }
        switch kind {
        case "message" where parts.count == 3:
            guard let channel = parts[1].string, let payload = parts[2].bytes else { return nil }
            return RedisMessage(channel: channel, payload: payload)
        case "pmessage" where parts.count == 4:
            guard let pattern = parts[1].string, let channel = parts[2].string, let payload = parts[3].bytes else {
                return nil
            }
            return RedisMessage(channel: channel, pattern: pattern, payload: payload)
        default:
            return nil
        }
    }

    /// False after `close()` or after the connection broke.
    public var isConnected: Bool { context.isOpen }

    public func close() {
        context.close()
    }
}

@available(*, unavailable)
extension RedisSubscriber: Sendable {}
