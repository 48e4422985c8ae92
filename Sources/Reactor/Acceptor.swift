import Glibc

/// Accepts connections for one loop. Each loop owns a listening socket bound with
/// SO_REUSEPORT, so accepting is spread over loops by the kernel, with no hand-off.
public final class Acceptor: EventHandler {
    public typealias AcceptHandler = (consuming AcceptedSocket) -> Void

    private let loop: EventLoop
    private var listener: FileDescriptor?
    private var registration: Registration?
    private let onAccept: AcceptHandler
    private let onError: (ReactorError) -> Void
    /// Accepts per readiness event: the whole listen queue. A loop whose passes are long
    /// (a tick's writes to 20,000 clients) hears its listener once a pass, so a smaller
    /// batch caps connects at that many per pass while the rest wait in the queue (128
    /// per second at 17,000 clients on a starved core). Accepting is a few µs; the
    /// requests are read, like any readiness, in the next pass.
    private let batch = Int(Socket.listenBacklog)

    public init(
        loop: EventLoop, listening: consuming FileDescriptor,
        onError: @escaping (ReactorError) -> Void, onAccept: @escaping AcceptHandler
    ) throws(ReactorError) {
        self.loop = loop
        self.onAccept = onAccept
        self.onError = onError
        let fd = listening.rawValue
        listener = consume listening
        registration = try loop.register(fd, events: .readable, handler: self)
    }

    public var localAddress: SocketAddress? {
        guard let registration else { return nil }
        return try? Socket.localAddress(registration.fd)
    }

    public func handleEvents(_ events: IOEvents) {
        guard let registration else { return }
        for _ in 0..<batch {
            do {
                guard let accepted = try Socket.accept(registration.fd) else { return }
                onAccept(accepted)
            } catch {
                switch error {
                case .syscall(_, let code) where code == EMFILE || code == ENFILE || code == ENOBUFS || code == ENOMEM:
                    // Out of descriptors: level-triggered epoll would spin on the pending
                    // connection, so stop listening briefly and let closes free some.
                    onError(error)
                    pause(milliseconds: 100)
                    return
                case .syscall(_, let code) where code == ECONNABORTED || code == EPROTO || code == EPERM:
                    continue  // that one connection died before we took it
                default:
                    onError(error)
                    return
                }
            }
        }
    }

    private func pause(milliseconds: UInt64) {
        guard let registration else { return }
        try? loop.modify(registration, events: [])
        loop.schedule(afterNanoseconds: milliseconds * 1_000_000) { [weak self] in
            guard let self, let registration = self.registration else { return }
            try? self.loop.modify(registration, events: .readable)
        }
    }

    /// Stops accepting and closes the listening socket (graceful shutdown's first step).
    public func close() {
        if let registration { loop.deregister(registration) }
        registration = nil
        listener = nil
    }
}
