import Buffers
import CLinux
import Glibc

/// Socket syscalls on raw descriptors. Ownership stays with the caller's `FileDescriptor`.
public enum Socket {
    /// Connections the kernel may hold completed for a listener before it drops SYNs
    /// (cut to net.core.somaxconn). `Acceptor` takes up to this many per wake-up.
    public static let listenBacklog: Int32 = 4096

    /// A non-blocking listening TCP socket. With `reusePort`, every loop binds its own
    /// socket to the same port and the kernel spreads connections over them.
    /// `sendBuffer` (SO_SNDBUF) is inherited by accepted sockets like TCP_NODELAY.
    public static func listen(
        on address: SocketAddress, backlog: Int32 = listenBacklog, reusePort: Bool, sendBuffer: Int? = nil
    ) throws(ReactorError) -> FileDescriptor {
        let fd = FileDescriptor(
            taking: try posixCallBlocking(function: "socket") {
                socket(
                    address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            })
        try setOption(fd.rawValue, SOL_SOCKET, SO_REUSEADDR, 1)
        if reusePort { try setOption(fd.rawValue, SOL_SOCKET, SO_REUSEPORT, 1) }
        // Accepted sockets inherit TCP_NODELAY from the listener: one setsockopt per
        // listener instead of one per connection.
        setNoDelay(fd.rawValue)
        if let sendBuffer { try setOption(fd.rawValue, SOL_SOCKET, SO_SNDBUF, Int32(clamping: sendBuffer)) }
        _ = try posixCallBlocking(function: "bind") {
            address.withSockAddr { bind(fd.rawValue, $0, $1) }
        }
        _ = try posixCallBlocking(function: "listen") { Glibc.listen(fd.rawValue, backlog) }
        return fd
    }

    /// A non-blocking client connection (tests and the load generator). Connecting
    /// completes asynchronously; wait for writability.
    public static func connect(to address: SocketAddress) throws(ReactorError) -> FileDescriptor {
        let fd = FileDescriptor(
            taking: try posixCallBlocking(function: "socket") {
                socket(
                    address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            })
        let result = address.withSockAddr { Glibc.connect(fd.rawValue, $0, $1) }
        if result != 0 && errno != EINPROGRESS {
            throw .syscall(function: "connect", errno: errno)
        }
        return fd
    }

    /// As `connect(to:)`, but from `source` (port 0: the kernel picks one). With
    /// IP_BIND_ADDRESS_NO_PORT the port is chosen at connect time per destination, so
    /// rotating source addresses over 127.0.0.x multiplies the usable ephemeral ports.
    public static func connect(to address: SocketAddress, from source: SocketAddress) throws(ReactorError) -> FileDescriptor {
        let fd = FileDescriptor(
            taking: try posixCallBlocking(function: "socket") {
                socket(
                    address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            })
        // IP_BIND_ADDRESS_NO_PORT (24) is missing from older headers; ignore failure.
        var one: Int32 = 1
        _ = setsockopt(fd.rawValue, Int32(IPPROTO_IP), 24, &one, socklen_t(MemoryLayout<Int32>.size))
        _ = try posixCallBlocking(function: "bind") {
            source.withSockAddr { bind(fd.rawValue, $0, $1) }
        }
        let result = address.withSockAddr { Glibc.connect(fd.rawValue, $0, $1) }
        if result != 0 && errno != EINPROGRESS {
            throw .syscall(function: "connect", errno: errno)
        }
        return fd
    }

    public static func setOption(_ fd: Int32, _ level: Int32, _ name: Int32, _ value: Int32) throws(ReactorError) {
        var value = value
        _ = try posixCallBlocking(function: "setsockopt") {
            setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<Int32>.size))
        }
    }

    public static func setNoDelay(_ fd: Int32) {
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    /// The address a socket is bound to (to learn an ephemeral port).
    public static func localAddress(_ fd: Int32) throws(ReactorError) -> SocketAddress {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = try posixCallBlocking(function: "getsockname") {
            withUnsafeMutableBytes(of: &storage) {
                getsockname(fd, $0.baseAddress!.assumingMemoryBound(to: sockaddr.self), &length)
            }
        }
        return SocketAddress(storage: storage, length: length)
    }

    /// Accepts one pending connection as non-blocking; nil when none is pending.
    public static func accept(_ listener: Int32) throws(ReactorError) -> AcceptedSocket? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = try posixCall(function: "accept4") {
            withUnsafeMutableBytes(of: &storage) { clinux_accept4_nonblocking(listener, $0.baseAddress, &length) }
        }
        switch result {
        case .wouldBlock: return nil
        case .processed(let fd):
            return AcceptedSocket(fd: FileDescriptor(taking: fd), remote: SocketAddress(storage: storage, length: length))
        }
    }

    /// Reads into the writable tail of `buffer`; `.processed(0)` means end of stream.
    public static func read(_ fd: Int32, into buffer: inout ByteBuffer, maximum: Int) throws(ReactorError) -> IOResult<Int> {
        var outcome: IOResult<Int> = .wouldBlock
        _ = try buffer.writeWithUnsafeMutableBytes(minimumWritable: maximum) { raw throws(ReactorError) -> Int in
            outcome = try posixCall(function: "read") { Glibc.read(fd, raw.baseAddress, min(raw.count, maximum)) }
            if case .processed(let n) = outcome { return n }
            return 0
        }
        return outcome
    }

    /// Lets the kernel take `bytes` more than its send buffer holds now, so a last few
    /// bytes (the rest of a message and a close frame) can be handed over to a peer that
    /// is not reading. Best effort: never shrinks an autotuned buffer larger than
    /// `net.core.wmem_max`, the most SO_SNDBUF can ask for. Returns whether it grew.
    @discardableResult
    public static func growSendBuffer(_ fd: Int32, by bytes: Int) -> Bool {
        var current: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &current, &length) == 0 else { return false }
        // The kernel reports (and reserves) twice what was asked for, the other half
        // being its bookkeeping; asking for half the current size plus twice the bytes
        // leaves room for the bytes and for the overhead of their segments.
        let wanted = Int(current) / 2 + 2 * bytes + 4096
        guard wanted <= ResourceLimits.maximumSendBuffer else { return false }
        var value = Int32(clamping: wanted)
        return setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &value, socklen_t(MemoryLayout<Int32>.size)) == 0
    }

    /// Half-closes the write side: the peer sees end of stream after our queued bytes.
    public static func shutdownWrite(_ fd: Int32) {
        _ = Glibc.shutdown(fd, Int32(SHUT_WR))
    }
}

/// A connection fresh from accept(2), with its owner-only descriptor.
public struct AcceptedSocket: ~Copyable {
    public var fd: FileDescriptor
    public let remote: SocketAddress

    /// Hands the descriptor to its long-term owner.
    public consuming func takeDescriptor() -> FileDescriptor {
        fd
    }
}
