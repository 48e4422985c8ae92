import Buffers
import HTTP1
import Reactor
import WebSocket

/// One accepted TCP connection: the I/O shell that feeds bytes to the HTTP parser
/// or the WebSocket codec and performs the actions they return. Owned by its loop;
/// never touched from another thread.
public final class Connection: EventHandler, Flushable {
    enum Phase: Equatable {
        case http
        case webSocket
        /// We are done sending; waiting (briefly) for the peer's FIN before closing.
        case lingering
        case closed
    }

    public let id: UInt64
    public let remoteAddress: PeerAddress
    public unowned let loop: EventLoop
    /// Monotonic nanoseconds at accept.
    public let connectedAt: UInt64
    unowned let server: LoopServer
    /// Descriptor, carried input, outbound queue, flush scheduling and back-pressure.
    var stream: StreamSocket
    // The one-byte fields side by side, so they share a word (a connection object is
    // most of what a client costs; 100K of them).
    var phase: Phase = .http
    /// Close the socket as soon as the queue drains (after a final response or close frame).
    var closeWhenDrained = false
    /// A slow-consumer close is under way; the sweep must not start another.
    var isClosingSlowConsumer = false
    /// Slot in the loop's connection list, for O(1) removal.
    var registryIndex = -1
    /// Free for the WebSocket handler: one handler object can serve all of a loop's
    /// connections and keep its own index of each here, instead of an object per
    /// connection (-1 until it sets one).
    public var handlerTag = -1

    /// Last time the queue shrank, or bytes were queued while it was empty.
    var lastWriteProgress: UInt64 { stream.lastWriteProgress }

    // HTTP phase: boxed, and dropped after an upgrade, so a WebSocket connection does
    // not carry the request parser (a few hundred bytes times 100K connections).
    final class HTTPPhase {
        var parser: HTTPRequestParser
        /// Start of the request being received (slowloris timer); nil while idle.
        var requestStartedAt: UInt64?
        var idleSince: UInt64
        /// A request whose answer comes from another thread; nothing else is parsed meanwhile.
        var awaitingAsync: AsyncRequest?
        /// An upgrade whose decision comes later (`UpgradeDecision.deferred`).
        var awaitingUpgrade: PendingUpgrade?

        init(limits: HTTPLimits, now: UInt64) {
            parser = HTTPRequestParser(limits: limits)
            requestStartedAt = now
            idleSince = now
        }
    }
    struct AsyncRequest {
        let version: HTTPVersion
        let keepAlive: Bool
        let includeBody: Bool
        /// The filter's header fields for the answer (`HTTPFilter.headers`).
        var extraHeaders = HTTPHeaders()
    }
    var http: HTTPPhase?
    var requestStartedAt: UInt64? {
        get { http?.requestStartedAt }
        set { http?.requestStartedAt = newValue }
    }
    var idleSince: UInt64 { http?.idleSince ?? connectedAt }
    var awaitingAsync: AsyncRequest? {
        get { http?.awaitingAsync }
        set { http?.awaitingAsync = newValue }
    }
    /// `webSocketDidDrain` fires once the queue is at or below this many bytes (-1: not
    /// asked; a plain integer, as an optional one takes two words).
    private var drainThreshold = -1

    // WebSocket phase
    var webSocket: WebSocketSession?
    var lingerDeadline: UInt64 = 0

    init(socket: consuming FileDescriptor, remote: PeerAddress, id: UInt64, loop: EventLoop, server: LoopServer) {
        stream = StreamSocket(socket: socket, maxQueuedBytes: server.configuration.maxQueuedBytes, now: loop.now)
        remoteAddress = remote
        self.id = id
        self.loop = loop
        self.server = server
        connectedAt = loop.now
        http = HTTPPhase(limits: server.configuration.http, now: loop.now)
    }

    func start() throws(ReactorError) {
        // TCP_NODELAY comes from the listening socket (Socket.listen).
        try stream.register(on: loop, events: [.readable, .readHangup], handler: self)
    }

    public var isOpen: Bool { phase == .http || phase == .webSocket }
    /// The socket is closed (not merely closing).
    public var isClosed: Bool { phase == .closed }
    /// Bytes queued for this connection and not yet accepted by the kernel.
    public var queuedBytes: Int { stream.queuedBytes }

    // MARK: events

    public func handleEvents(_ events: IOEvents) {
        if events.contains(.writable) { flush() }
        if phase != .closed && !events.isDisjoint(with: [.readable, .readHangup, .hangup, .error]) {
            readAvailable()
        }
    }

    private func readAvailable() {
        let carry = stream.takeCarry()
        let outcome: (result: IOResult<Int>, carry: ByteBuffer)
        do {
            outcome = try loop.receive(from: stream.fd, carrying: carry) { buffer, _ in
                switch phase {
                case .http: processHTTP(&buffer)
                case .webSocket: processWebSocket(&buffer)
                case .lingering: buffer.clear()  // discard until the peer's FIN
                case .closed: break
                }
                return phase != .closed
            }
        } catch {
            close()  // ECONNRESET and friends: nothing more to say to this peer
            return
        }
        if phase != .closed { stream.keepCarry(outcome.carry) }
        if case .processed(0) = outcome.result { peerClosed() }
    }

    /// End of stream from the peer.
    private func peerClosed() {
        if phase == .webSocket { webSocket?.peerVanished() }
        // A half-closed peer may still read: send what is queued before closing.
        if stream.hasQueuedBytes { flush() }
        close()
    }

    // MARK: writing

    /// Queues bytes; they go out in one writev just before the loop sleeps.
    func enqueue(_ bytes: SharedBytes) {
        enqueue(bytes, offset: 0, count: bytes.count)
    }

    /// Queues a region of a shared buffer (a per-connection head packed in a tick's
    /// arena); `endsMessage: false` when the message's body follows. A queue over
    /// `maxQueuedBytes` stops reading until it drains to half (back-pressure).
    func enqueue(_ bytes: SharedBytes, offset: Int, count: Int, endsMessage: Bool = true) {
        guard phase != .closed else { return }
        do {
            try stream.enqueue(bytes, offset: offset, count: count, endsMessage: endsMessage, loop: loop, owner: self)
        } catch {
            close()
        }
    }

    public func flush() {
        guard phase != .closed else { return }
        let outcome: StreamSocket.FlushOutcome
        do {
            outcome = try stream.flush(loop)
        } catch {
            close()  // EPIPE/ECONNRESET: the peer is gone
            return
        }
        // A pattern, not `==`: the synthesized `==` of another module's enum is a call.
        if case .drained = outcome, closeWhenDrained { finishAfterDrain() }
        if drainThreshold >= 0, stream.queuedBytes <= drainThreshold, phase == .webSocket, let session = webSocket {
            drainThreshold = -1
            session.handler.webSocketDidDrain(self)
        }
    }

    /// Stops reading while an answer is computed elsewhere (responses keep request order).
    func holdReading(_ held: Bool) {
        do { try stream.holdReading(held, loop) } catch { close() }
    }

    /// Asks for one `webSocketDidDrain` when the queue falls to `bytes` or below
    /// (conflating publishers use it to send what they held back).
    public func notifyWhenQueueBelow(_ bytes: Int) {
        drainThreshold = max(0, bytes)
    }

    // MARK: closing

    /// Stop after what is queued: half-close, then wait briefly for the peer's FIN so
    /// our last bytes are not destroyed by a reset.
    func closeAfterFlush() {
        guard phase != .closed else { return }
        if !closeWhenDrained && phase != .lingering {
            // The linger time runs from here whether or not the queue ever drains: a peer
            // that stopped reading must not keep its last response (and socket) forever.
            lingerDeadline = loop.now &+ server.nanoseconds(server.configuration.lingerTimeout)
        }
        closeWhenDrained = true
        if phase != .webSocket { phase = .lingering }
        if !stream.hasQueuedBytes { finishAfterDrain() }
    }

    private func finishAfterDrain() {
        // Never a syscall on a closed connection's descriptor number: it may be reused.
        guard phase != .closed else { return }
        closeWhenDrained = false
        stream.shutdownWrite()
        phase = .lingering
        lingerDeadline = loop.now &+ server.nanoseconds(server.configuration.lingerTimeout)
        // Read (and discard) until the peer's FIN, whatever held reading before.
        do { try stream.resumeReadingRegardless(loop) } catch { close() }
    }

    /// Closes the socket now and forgets the connection.
    public func close() {
        guard phase != .closed else { return }
        phase = .closed
        stream.close(loop)  // deregisters and closes the descriptor
        server.remove(self)
        if let session = webSocket {
            webSocket = nil
            session.didClose(self)
        }
    }
}

@available(*, unavailable)
extension Connection: Sendable {}
