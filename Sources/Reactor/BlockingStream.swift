import Glibc

/// A blocking TCP stream with deadlines, for outbound requests made from worker
/// threads (the HTTP quote source). Never used on an event loop.
public final class BlockingStream {
    private var socket: FileDescriptor?
    private let fd: Int32

    /// Resolves `host` (numeric or a name, via getaddrinfo) and connects within `timeout` seconds.
    public init(host: String, port: Int, timeout: Double) throws(ReactorError) {
        let deadline = MonotonicClock.now() &+ UInt64(max(0, timeout) * 1e9)
        var lastError = ReactorError.invalidAddress(host)
        for address in try SocketAddress.resolve(host: host, port: port) {
            do {
                let candidate = try Socket.connect(to: address)
                try Self.waitConnected(candidate.rawValue, deadline: deadline)
                fd = candidate.rawValue
                socket = consume candidate
                return
            } catch {
                lastError = error
            }
        }
        throw lastError
    }

    private static func waitConnected(_ fd: Int32, deadline: UInt64) throws(ReactorError) {
        try poll(fd, events: Int16(POLLOUT), deadline: deadline, function: "connect")
        var code: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        _ = getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &length)
        if code != 0 { throw .syscall(function: "connect", errno: code) }
    }

    /// Waits until `fd` is ready for `events` or the deadline passes (ETIMEDOUT).
    private static func poll(_ fd: Int32, events: Int16, deadline: UInt64, function: String) throws(ReactorError) {
        while true {
            let now = MonotonicClock.now()
            guard now < deadline else { throw .syscall(function: function, errno: ETIMEDOUT) }
            var entry = pollfd(fd: fd, events: events, revents: 0)
            let waitMs = Int32(clamping: (deadline - now + 999_999) / 1_000_000)
            let ready = Glibc.poll(&entry, 1, waitMs)
            if ready > 0 { return }
            if ready < 0 && errno != EINTR { throw .syscall(function: "poll", errno: errno) }
        }
    }

    public func write(_ bytes: [UInt8], timeout: Double) throws(ReactorError) {
        let deadline = MonotonicClock.now() &+ UInt64(max(0, timeout) * 1e9)
        var offset = 0
        while offset < bytes.count {
            let result = try posixCall(function: "send") {
                bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            }
            switch result {
            case .processed(let written): offset += written
            case .wouldBlock: try Self.poll(fd, events: Int16(POLLOUT), deadline: deadline, function: "send")
            }
        }
    }

    /// Reads what is available (waiting up to the deadline); empty at end of stream.
    public func read(maximum: Int = 65536, deadline: UInt64) throws(ReactorError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: maximum)
        while true {
            let result = try posixCall(function: "recv") {
                buffer.withUnsafeMutableBytes { Glibc.recv(fd, $0.baseAddress, $0.count, 0) }
            }
            switch result {
            case .processed(let count):
                buffer.removeSubrange(count...)
                return buffer
            case .wouldBlock:
                try Self.poll(fd, events: Int16(POLLIN), deadline: deadline, function: "recv")
            }
        }
    }

    public func close() {
        socket = nil
    }
}

@available(*, unavailable)
extension BlockingStream: Sendable {}

extension SocketAddress {
    /// Numeric addresses parse directly; names go through getaddrinfo (blocking DNS:
    /// worker threads only).
    public static func resolve(host: String, port: Int) throws(ReactorError) -> [SocketAddress] {
        if let numeric = try? SocketAddress(host: host, port: port) { return [numeric] }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else { throw .invalidAddress("\(host): cannot resolve") }
        defer { freeaddrinfo(first) }
        var result: [SocketAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            if let address = entry.pointee.ai_addr, entry.pointee.ai_addrlen <= socklen_t(MemoryLayout<sockaddr_storage>.size) {
                var storage = sockaddr_storage()
                withUnsafeMutableBytes(of: &storage) { target in
                    target.copyMemory(from: UnsafeRawBufferPointer(start: address, count: Int(entry.pointee.ai_addrlen)))
                }
                result.append(SocketAddress(storage: storage, length: entry.pointee.ai_addrlen))
            }
            cursor = entry.pointee.ai_next
        }
        guard !result.isEmpty else { throw .invalidAddress("\(host): no addresses") }
        return result
    }
}
