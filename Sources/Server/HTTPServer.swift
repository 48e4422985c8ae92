import Glibc
import Reactor
import Synchronization
import Telemetry

/// The HTTP/WebSocket server: one `LoopServer` per event-loop thread, each with its
/// own SO_REUSEPORT listening socket, sharing an immutable route table.
public final class HTTPServer: Sendable {
    public let configuration: ServerConfiguration
    public let metrics = ServerMetrics()
    public let logger: Logger
    /// The bound port (useful with port 0).
    public let port: Int
    private let group: EventLoopGroup
    private let stopped = Atomic<Bool>(false)

    public init(
        configuration: ServerConfiguration, routes: Routes, logger: Logger,
        clock: any LoopClock = SystemLoopClock.shared, onLoopStart: (@Sendable (EventLoop) -> Void)? = nil
    ) throws {
        self.configuration = configuration
        self.logger = logger
        let address = try SocketAddress(host: configuration.host, port: configuration.port)
        // Bind every loop's socket up front so port 0 resolves once for all of them.
        var descriptors: [Int32] = []
        let sendBuffer = configuration.socketSendBuffer
        let first = try Socket.listen(on: address, reusePort: true, sendBuffer: sendBuffer)
        let boundPort = try Socket.localAddress(first.rawValue).port
        descriptors.append(first.release())
        let shared = try SocketAddress(host: configuration.host, port: boundPort)
        for _ in 1..<max(1, configuration.threads) {
            descriptors.append(try Socket.listen(on: shared, reusePort: true, sendBuffer: sendBuffer).release())
        }
        port = boundPort
        let limit = ResourceLimits.raiseOpenFileLimit()
        // Leave room for listeners, epoll, eventfds, Redis and PostgreSQL connections.
        let fdBudget = max(16, Int(min(limit.soft, UInt64(Int.max))) - 64)
        let total = min(configuration.maxConnections ?? fdBudget, fdBudget)
        let perLoop = max(1, (total + descriptors.count - 1) / descriptors.count)
        let metrics = self.metrics
        let routes = routes
        let listening = descriptors
        group = try EventLoopGroup(count: descriptors.count, clock: clock) { loop in
            let server = try LoopServer(
                loop: loop, configuration: configuration, routes: routes, metrics: metrics, logger: logger,
                listening: FileDescriptor(taking: listening[loop.index]), maxConnectionsPerLoop: perLoop)
            loop.attach(server)
            onLoopStart?(loop)
        }
    }

    public var loops: [EventLoopHandle] { group.handles }

    /// Graceful stop: stop accepting, close WebSockets with 1001, give clients up to
    /// `gracePeriod` seconds to finish, then stop the loops. Blocks until done.
    public func shutdown(gracePeriod: Double = 3) {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        for handle in group.handles {
            handle.execute { loop in loop.attached(LoopServer.self)?.beginShutdown() }
        }
        let deadline = MonotonicClock.now() + UInt64(max(0, gracePeriod) * 1e9)
        while MonotonicClock.now() < deadline {
            if openConnectionCount() == 0 { break }
            usleep(20_000)
        }
        for handle in group.handles {
            handle.execute { loop in loop.attached(LoopServer.self)?.closeAll() }
        }
        group.stop()
        group.join()
    }

    /// Connections still open on all loops, asked of each loop on its own thread.
    public func openConnectionCount() -> Int {
        let total = Counter()
        let answered = Counter()
        for handle in group.handles {
            handle.execute { loop in
                total.add(loop.attached(LoopServer.self)?.connectionCount ?? 0)
                answered.add(1)
            }
        }
        while answered.current < group.handles.count { usleep(500) }
        return total.current
    }

    /// Blocks until the loops stop (after `shutdown` from another thread).
    public func wait() {
        group.join()
    }
}
