import Buffers
import Glibc
import HTTP1
import Reactor
import Telemetry
import WebSocket

/// The server's state on one loop: its acceptor, its connections and the periodic
/// sweep that enforces timeouts and sends heartbeats. Loop-bound.
public final class LoopServer {
    let configuration: ServerConfiguration
    let routes: Routes
    public let metrics: ServerMetrics
    let logger: Logger
    public unowned let loop: EventLoop
    private var acceptor: Acceptor?
    private var connections: [Connection] = []
    private var connectionsByID: [UInt64: Connection] = [:]
    private var nextSerial: UInt64 = 0
    private(set) var isAccepting = true
    /// One ping frame shared by every connection of this loop.
    let pingFrame = FrameEncoder.sharedFrame(opcode: .ping, payload: UnsafeRawBufferPointer(start: nil, count: 0))
    /// Compresses the messages of this loop's permessage-deflate connections.
    let compressor = FrameCompressor()
    private let maxConnectionsPerLoop: Int

    init(
        loop: EventLoop, configuration: ServerConfiguration, routes: Routes, metrics: ServerMetrics,
        logger: Logger, listening: consuming FileDescriptor, maxConnectionsPerLoop: Int
    ) throws(ReactorError) {
        self.loop = loop
        self.configuration = configuration
        self.routes = routes
        self.metrics = metrics
        self.logger = logger
        self.maxConnectionsPerLoop = maxConnectionsPerLoop
        acceptor = try Acceptor(
            loop: loop, listening: listening,
            onError: { [logger] error in
                logger.warning("accept: \(error)")
            },
            onAccept: { [unowned self] accepted in
                self.accept(accepted)
            })
        scheduleSweep()
    }

    /// What a connection over the limit gets before it is closed: the usual JSON error,
    /// serialized once (its length computed, not counted by hand).
    static let busyResponse: [UInt8] = {
        var buffer = ByteBuffer()
        HTTPResponse.error(.serviceUnavailable, code: "server_busy", message: "connection limit reached")
            .serialize(keepAlive: false, into: &buffer)
        return buffer.readableBytesArray
    }()

    public var connectionCount: Int { connections.count }
    public var localAddress: SocketAddress? { acceptor?.localAddress }

    func nanoseconds(_ seconds: Double) -> UInt64 { UInt64(max(0, seconds) * 1_000_000_000) }

    private func accept(_ accepted: consuming AcceptedSocket) {
        if connections.count >= maxConnectionsPerLoop || !isAccepting {
            metrics.connectionsRejected.add(1)
            _ = Self.busyResponse.withUnsafeBytes { Glibc.write(accepted.fd.rawValue, $0.baseAddress, $0.count) }
            return  // dropping `accepted` closes it
        }
        nextSerial += 1
        // Unique in the process: serial in the high bits, loop index in the low byte.
        let id = nextSerial << 8 | UInt64(loop.index & 0xFF)
        let remote = accepted.remote
        let connection = Connection(
            socket: accepted.takeDescriptor(), remote: PeerAddress(remote), id: id, loop: loop, server: self)
        do {
            try connection.start()
        } catch {
            logger.warning("register \(remote): \(error)")
            return
        }
        connection.registryIndex = connections.count
        connections.append(connection)
        connectionsByID[id] = connection
        metrics.connectionsAccepted.add(1)
        metrics.activeConnections.add(1)
    }

    func remove(_ connection: Connection) {
        let index = connection.registryIndex
        guard index >= 0, index < connections.count, connections[index] === connection else { return }
        let last = connections.removeLast()
        if index < connections.count {
            connections[index] = last
            last.registryIndex = index
        }
        connection.registryIndex = -1
        connectionsByID[connection.id] = nil
        metrics.activeConnections.add(-1)
        if connection.webSocket != nil { metrics.activeWebSockets.add(-1) }
    }

    /// The open connection with this id on this loop, if any.
    public func connection(id: UInt64) -> Connection? {
        connectionsByID[id]
    }

    func webSocketOpened(_ connection: Connection) {
        metrics.webSocketsOpened.add(1)
        metrics.activeWebSockets.add(1)
    }

    // MARK: sweep

    private var sweepInterval: UInt64 {
        let heartbeat = min(configuration.webSocket.heartbeatInterval, configuration.webSocket.heartbeatTimeout)
        return nanoseconds(min(1.0, max(0.01, heartbeat / 4)))
    }

    private func scheduleSweep() {
        // Unowned: the server lives as long as its loop, and a weak reference would put
        // a side table behind every retain of it.
        loop.schedule(afterNanoseconds: sweepInterval) { [unowned self] in
            self.sweep()
            self.scheduleSweep()
        }
    }

    /// Timeouts for every connection of this loop; O(connections) once per interval.
    func sweep() {
        let now = loop.now
        let headerTimeout = nanoseconds(configuration.headerReadTimeout)
        let idleTimeout = nanoseconds(configuration.keepAliveTimeout)
        let slowTimeout = nanoseconds(configuration.slowConsumerTimeout)
        var index = connections.count - 1
        while index >= 0 {
            // Closing removes by swapping with the last, so walk backwards.
            if index < connections.count {
                let connection = connections[index]
                sweep(connection, now: now, headerTimeout: headerTimeout, idleTimeout: idleTimeout, slowTimeout: slowTimeout)
            }
            index -= 1
        }
    }

    private func sweep(_ connection: Connection, now: UInt64, headerTimeout: UInt64, idleTimeout: UInt64, slowTimeout: UInt64) {
        // A peer over the queue limit that took nothing for the whole timeout is gone or
        // hostile; smaller stuck queues are left to the heartbeat and linger timeouts.
        if connection.queuedBytes > configuration.maxQueuedBytes && now &- connection.lastWriteProgress >= slowTimeout
            && !connection.isClosingSlowConsumer
        {
            metrics.slowConsumerCloses.add(1)
            logger.info(
                "closing \(connection.logName): slow consumer, \(connection.queuedBytes) bytes queued without progress for \(configuration.slowConsumerTimeout) s"
            )
            connection.closeSlowConsumer()
            return
        }
        switch connection.phase {
        case .http:
            if let started = connection.requestStartedAt, now &- started >= headerTimeout {
                metrics.requestTimeouts.add(1)
                connection.respond(
                    .error(
                        .requestTimeout, code: "request_timeout",
                        message: "request not received within \(configuration.headerReadTimeout) s"),
                    version: .http1_1, keepAlive: false, includeBody: true)
            } else if connection.requestStartedAt == nil && connection.awaitingAsync == nil
                && now &- connection.idleSince >= idleTimeout
            {
                connection.close()
            }
        case .webSocket:
            connection.sweepWebSocket(now: now)
        case .lingering:
            if now >= connection.lingerDeadline { connection.close() }
        case .closed:
            break
        }
    }

    // MARK: shutdown

    /// Stops accepting, says goodbye to WebSocket clients (close 1001) and closes
    /// idle HTTP connections. The loop keeps running so the goodbyes get flushed.
    func beginShutdown() {
        isAccepting = false
        acceptor?.close()
        acceptor = nil
        for connection in connections {
            switch connection.phase {
            case .webSocket:
                connection.webSocket?.handler.webSocketWillShutDown(connection)
                connection.close(code: .goingAway, reason: "server shutdown")
            case .http:
                if connection.requestStartedAt == nil { connection.closeAfterFlush() }
            default:
                break
            }
        }
    }

    /// Closes whatever is left (end of the grace period).
    func closeAll() {
        while let connection = connections.last { connection.close() }
    }
}

@available(*, unavailable)
extension LoopServer: Sendable {}
