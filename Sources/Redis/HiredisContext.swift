import CHiredis
import Glibc

/// The single owner of a hiredis `redisContext`: every C call on it goes through here,
/// every reply is copied into a `RedisValue` and freed at once, and the context is
/// freed exactly once (on `close()` or in `deinit`).
///
/// hiredis 0.14's error state is sticky: once `err` is set (including by a read that
/// timed out with EAGAIN) every later call fails. So any error closes the context,
/// and callers see `isOpen == false` and reconnect.
final class HiredisContext {
    private var context: UnsafeMutablePointer<redisContext>?

    /// hiredis writes with write(2), so a peer that went away would raise SIGPIPE and
    /// kill the process; ignore it once so it becomes an EPIPE error instead.
    private static let ignoreBrokenPipe: Void = {
        _ = signal(SIGPIPE, SIG_IGN)
    }()

    private init(context: UnsafeMutablePointer<redisContext>) {
        self.context = context
    }

    deinit {
        if let context { redisFree(context) }
    }

    /// Opens a TCP connection with a connect timeout, which also becomes the initial
    /// read/write timeout so a silent server cannot hang the calling thread forever.
    static func connect(_ url: RedisURL, timeoutSeconds: Double) throws(RedisError) -> HiredisContext {
        Self.ignoreBrokenPipe
        guard let raw = redisConnectWithTimeout(url.host, Int32(url.port), timeval(seconds: timeoutSeconds)) else {
            throw .connectionFailed(url: url.redacted, message: "out of memory allocating a hiredis context")
        }
        if raw.pointee.err != 0 {
            let message = Self.errorString(raw)
            redisFree(raw)
            throw .connectionFailed(url: url.redacted, message: message)
        }
        let connection = HiredisContext(context: raw)
        connection.setTimeout(seconds: timeoutSeconds)
        _ = redisEnableKeepAlive(raw)
        return connection
    }

    var isOpen: Bool { context != nil }

    /// The socket, for poll(2); -1 when closed.
    var fileDescriptor: Int32 { context?.pointee.fd ?? -1 }

    /// Sets SO_RCVTIMEO/SO_SNDTIMEO; zero or less means no timeout.
    func setTimeout(seconds: Double) {
        guard let context else { return }
        _ = redisSetTimeout(context, timeval(seconds: max(0, seconds)))
    }

    func close() {
        if let context { redisFree(context) }
        context = nil
    }

    /// Queues one command in hiredis's output buffer (sent by the next `readReply`).
    /// Arguments are passed with explicit lengths, so any bytes are safe.
    func append(_ arguments: [[UInt8]]) throws(RedisError) {
        let context = try live()
        precondition(!arguments.isEmpty, "a Redis command needs at least a name")
        // One contiguous buffer (plus a spare byte so it is never empty) keeps every
        // argument's pointer valid for the duration of the call.
        var storage: [UInt8] = []
        storage.reserveCapacity(arguments.reduce(1) { $0 + $1.count })
        var offsets: [Int] = []
        var lengths: [Int] = []
        for argument in arguments {
            offsets.append(storage.count)
            lengths.append(argument.count)
            storage.append(contentsOf: argument)
        }
        storage.append(0)
        let status = storage.withUnsafeBufferPointer { bytes -> Int32 in
            let base = UnsafeRawPointer(bytes.baseAddress!).assumingMemoryBound(to: CChar.self)
            var pointers: [UnsafePointer<CChar>?] = offsets.map { base + $0 }
            return pointers.withUnsafeMutableBufferPointer { argv in
                lengths.withUnsafeBufferPointer { argvlen in
                    redisAppendCommandArgv(context, Int32(arguments.count), argv.baseAddress, argvlen.baseAddress)
                }
            }
        }
        if status != REDIS_OK { throw failure(context) }
    }

    /// Flushes pending commands and blocks (up to the socket timeout) for the next reply.
    func readReply() throws(RedisError) -> RedisValue {
        let context = try live()
        var reply: UnsafeMutableRawPointer?
        if redisGetReply(context, &reply) != REDIS_OK { throw failure(context) }
        guard let reply else { throw failureWithoutReply() }
        return Self.take(reply)
    }

    /// A reply already parsed from bytes hiredis has buffered, without touching the socket.
    func bufferedReply() throws(RedisError) -> RedisValue? {
        let context = try live()
        var reply: UnsafeMutableRawPointer?
        if redisGetReplyFromReader(context, &reply) != REDIS_OK { throw failure(context) }
        return reply.map(Self.take)
    }

    /// Waits with poll(2) until the socket is readable (true) or the time is up (false).
    /// Polling first matters: a hiredis read that times out poisons the context.
    func waitReadable(milliseconds: Int32) throws(RedisError) -> Bool {
        let context = try live()
        var descriptor = pollfd(fd: context.pointee.fd, events: Int16(POLLIN), revents: 0)
        let result = poll(&descriptor, 1, milliseconds)
        if result > 0 { return true }  // readable, or hung up/errored: the read reports which
        if result == 0 || errno == EINTR { return false }
        let message = String(cString: strerror(errno))
        close()
        throw .connectionLost(message: "poll: \(message)")
    }

    private func live() throws(RedisError) -> UnsafeMutablePointer<redisContext> {
        guard let context else { throw .connectionLost(message: "connection is closed") }
        return context
    }

    /// Maps the context's sticky error to a `RedisError` and closes the context,
    /// which hiredis 0.14 will not let us use again.
    private func failure(_ context: UnsafeMutablePointer<redisContext>) -> RedisError {
        let savedErrno = errno
        let kind = context.pointee.err
        let message = Self.errorString(context)
        close()
        if kind == REDIS_ERR_IO
            && (savedErrno == EAGAIN || savedErrno == EWOULDBLOCK
                || message == String(cString: strerror(EAGAIN)))
        {
            return .timeout
        }
        return .connectionLost(message: message.isEmpty ? "hiredis error \(kind)" : message)
    }

    private func failureWithoutReply() -> RedisError {
        close()
        return .connectionLost(message: "no reply from a blocking read")
    }

    private static func errorString(_ context: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: context.pointee.errstr) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// Copies a reply tree into Swift values and frees it.
    private static func take(_ reply: UnsafeMutableRawPointer) -> RedisValue {
        defer { freeReplyObject(reply) }
        return value(of: reply.assumingMemoryBound(to: redisReply.self))
    }

    private static func value(of reply: UnsafeMutablePointer<redisReply>) -> RedisValue {
        let node = reply.pointee
        switch node.type {
        case REDIS_REPLY_STRING:
            return .bulk(bytes(node.str, node.len))
        case REDIS_REPLY_STATUS:
            return .status(String(decoding: bytes(node.str, node.len), as: UTF8.self))
        case REDIS_REPLY_ERROR:
            return .error(String(decoding: bytes(node.str, node.len), as: UTF8.self))
        case REDIS_REPLY_INTEGER:
            return .integer(Int(node.integer))
        case REDIS_REPLY_ARRAY:
            var elements: [RedisValue] = []
            elements.reserveCapacity(node.elements)
            for index in 0..<node.elements {
                if let element = node.element[index] { elements.append(value(of: element)) } else { elements.append(.null) }
            }
            return .array(elements)
        default:
            return .null
        }
    }

    private static func bytes(_ pointer: UnsafeMutablePointer<CChar>?, _ count: Int) -> [UInt8] {
        guard let pointer, count > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }
}

extension timeval {
    /// A timeval from fractional seconds (negative clamps to zero).
    init(seconds: Double) {
        let clamped = max(0, seconds)
        let whole = clamped.rounded(.down)
        self.init(tv_sec: Int(whole), tv_usec: Int((clamped - whole) * 1_000_000))
    }
}
