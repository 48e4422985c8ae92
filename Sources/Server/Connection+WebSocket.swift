import Buffers
import Glibc
import Reactor
import WebSocket

extension Connection {
    /// Decodes every complete frame in `buffer` and performs what the protocol says.
    func processWebSocket(_ buffer: inout ByteBuffer) {
        guard let session = webSocket else { return }
        session.lastHeard = loop.now
        var completedAFrame = false
        while phase == .webSocket {
            let frame: Frame?
            do {
                frame = try session.decoder.next(&buffer)
            } catch {
                perform(.fail(error), session: session)
                buffer.clear()
                return
            }
            guard let frame else {
                if buffer.isEmpty {
                    session.frameStartedAt = 0
                } else if completedAFrame || session.frameStartedAt == 0 {
                    session.frameStartedAt = loop.now
                }
                // Fail fast on bad UTF-8 in a text frame whose tail is still in flight.
                if let partial = session.decoder.partialFrame(in: buffer), session.state.carriesText(partial),
                    partial.availablePayload > session.state.partialChecked
                {
                    let bytes = session.decoder.partialPayload(in: buffer, from: session.state.partialChecked)
                    if let action = session.state.inspectPartial(partial, newBytes: bytes) {
                        perform(action, session: session)
                        buffer.clear()
                    }
                }
                return
            }
            completedAFrame = true
            perform(session.state.receive(frame), session: session)
            if phase == .closed { return }
        }
        // Lingering after a failure: whatever else arrives is discarded.
        if phase == .lingering { buffer.clear() }
    }

    private func perform(_ action: WebSocketAction, session: WebSocketSession) {
        switch action {
        case .none:
            break
        case .deliver(let message):
            server.metrics.webSocketMessagesReceived.add(1)
            session.handler.webSocket(self, didReceive: message)
        case .sendPong(let payload):
            sendFrame(.pong, payload)
        case .pongReceived:
            session.pongReceived(at: loop.now)
        case .sendClose(let code, let reason):
            sendClose(code: code, reason: reason)
        case .replyCloseAndShutdown(let code, let reason):
            session.noteClose(code ?? .noStatusReceived, reason, byPeer: true)
            sendClose(code: code, reason: reason)
            closeAfterFlush()
        case .fail(let error):
            server.metrics.protocolErrors.add(1)
            sendClose(code: error.closeCode, reason: "\(error)")
            closeAfterFlush()
        case .closeTransport:
            closeAfterFlush()
        }
    }

    private func sendFrame(_ opcode: Opcode, _ payload: [UInt8]) {
        enqueue(payload.withUnsafeBytes { FrameEncoder.sharedFrame(opcode: opcode, payload: $0) })
    }

    private func sendClose(code: CloseCode?, reason: String) {
        webSocket?.noteClose(code ?? .noStatusReceived, reason, byPeer: false)
        let payload = code.map { FrameEncoder.closePayload(code: $0, reason: reason) } ?? []
        sendFrame(.close, payload)
        // The peer gets this long to answer (or to read what is queued) before we drop it.
        lingerDeadline = loop.now &+ server.nanoseconds(server.configuration.lingerTimeout)
    }

    // MARK: API for WebSocket handlers

    /// Sends a text message; `text` must be valid UTF-8 (Swift strings are).
    public func send(text: String) {
        guard phase == .webSocket, let session = webSocket, !session.state.isClosing else { return }
        var text = text
        session.messagesSent += 1
        text.withUTF8 { sendData(.text, UnsafeRawBufferPointer($0), session: session) }
    }

    /// Sends a text message from bytes that are known to be valid UTF-8.
    public func send(textBytes: [UInt8]) {
        guard phase == .webSocket, let session = webSocket, !session.state.isClosing else { return }
        session.messagesSent += 1
        textBytes.withUnsafeBytes { sendData(.text, $0, session: session) }
    }

    public func send(binary: [UInt8]) {
        guard phase == .webSocket, let session = webSocket, !session.state.isClosing else { return }
        session.messagesSent += 1
        binary.withUnsafeBytes { sendData(.binary, $0, session: session) }
    }

    /// Queues an already encoded frame, shared with other connections without copying
    /// (with permessage-deflate, its compressed copy, shared the same way).
    public func send(frame: SharedBytes) {
        guard phase == .webSocket, let session = webSocket, !session.state.isClosing else { return }
        session.messagesSent += 1
        enqueue(session.compresses ? server.compressor.compressed(frame) : frame)
    }

    /// Queues a data message, compressed when the connection agreed permessage-deflate.
    private func sendData(_ opcode: Opcode, _ payload: UnsafeRawBufferPointer, session: WebSocketSession) {
        let compressed = session.compresses ? server.compressor.frame(opcode: opcode, payload: payload) : nil
        enqueue(compressed ?? FrameEncoder.sharedFrame(opcode: opcode, payload: payload))
    }

    /// Starts the close handshake; the socket closes when the peer answers or after
    /// the linger timeout.
    public func close(code: CloseCode, reason: String) {
        guard phase == .webSocket, let session = webSocket else {
            if phase == .http { closeAfterFlush() }
            return
        }
        let action = session.state.close(code: code, reason: reason)
        perform(action, session: session)
    }

    /// Drops a peer that stopped reading: the queued messages it has not started to
    /// receive are discarded, the close frame (1008 "slow consumer") goes right behind
    /// the one in progress, and the socket closes after the linger time whether or not
    /// the peer reads it.
    func closeSlowConsumer() {
        guard phase == .webSocket, let session = webSocket else {
            close()
            return
        }
        // Once: the leftovers (the message in progress, the close frame) may still be
        // over the limit, and the linger timeout, not another round, ends it.
        isClosingSlowConsumer = true
        stream.discardUnstartedMessages()
        perform(session.state.close(code: .policyViolation, reason: "slow consumer"), session: session)
        // The peer reads nothing, so the kernel's send buffer is full: make room there for
        // the rest of the message in progress and the close frame. Once handed over they
        // reach the peer whenever it reads again, even after the socket is closed here;
        // left in our queue they would be dropped at the end of the linger time.
        stream.growSendBuffer(by: stream.queuedBytes)
        closeAfterFlush()
        flush()
    }

    /// Queues a per-connection head (a region of `arena`) and a shared body as one
    /// message: the price-update path, where only the head differs between clients.
    /// `now`: written at once when nothing waits ahead of it (one send, nothing queued);
    /// else queued for the flush before the loop sleeps, with whatever else comes.
    /// With permessage-deflate the caller built both compressed (`isCompressing`).
    public func send(head arena: SharedBytes, offset: Int, count: Int, body: SharedBytes, now: Bool = true) {
        guard phase == .webSocket, let session = webSocket, !session.state.isClosing else { return }
        session.messagesSent += 1
        do {
            try stream.send(head: arena, offset: offset, count: count, body: body, now: now, loop: loop, owner: self)
        } catch {
            close()  // EPIPE/ECONNRESET: the peer is gone
        }
    }

    /// permessage-deflate was agreed: messages to this connection may be compressed.
    public var isCompressing: Bool { webSocket?.compresses ?? false }

    public var isWebSocketOpen: Bool {
        phase == .webSocket && webSocket.map { !$0.state.isClosing } ?? false
    }

    /// Messages sent to this connection through the handler API.
    public var messagesSent: Int { webSocket?.messagesSent ?? 0 }
    /// Monotonic nanoseconds of the last pong, nil before the first.
    public var lastPongAt: UInt64? { webSocket.flatMap { $0.lastPong == 0 ? nil : $0.lastPong } }

    /// Last ping and pong, round trip and missed pongs (`/clients`).
    public var heartbeat: HeartbeatFigures {
        guard let session = webSocket else { return HeartbeatFigures() }
        return HeartbeatFigures(
            lastPing: session.hasPinged ? session.lastPingSent : nil, lastPong: lastPongAt,
            roundTripMicros: session.roundTripMicros == WebSocketSession.noRoundTrip ? nil : session.roundTripMicros,
            missedPongs: Int(session.missedPongs))
    }

    /// Heartbeat and timeout bookkeeping, called by the loop's sweep.
    func sweepWebSocket(now: UInt64) {
        guard let session = webSocket, phase == .webSocket else { return }
        let settings = server.configuration.webSocket
        if session.state.isClosing {
            if now >= lingerDeadline { close() }
            return
        }
        let started = session.frameStartedAt
        if started != 0, now &- started >= server.nanoseconds(server.configuration.headerReadTimeout) {
            // A peer that trickles a byte per heartbeat into a frame announcing 64 KiB is
            // heard, but must not keep its half frame (and the connection) forever.
            session.frameStartedAt = 0
            close(code: .policyViolation, reason: "frame not completed within \(server.configuration.headerReadTimeout) s")
            return
        }
        if now &- session.lastHeard >= server.nanoseconds(settings.heartbeatTimeout) {
            server.metrics.heartbeatTimeouts.add(1)
            close(code: .heartbeatTimeout, reason: "heartbeat timeout")
            return
        }
        if now &- session.lastPingSent >= server.nanoseconds(settings.heartbeatInterval) {
            session.pingSent(at: now)
            enqueue(server.pingFrame)
        }
    }

    /// This connection in a log line: the client's forwarded address if its WebSocket
    /// handler knows one (behind a trusted proxy), else the TCP peer.
    var logName: String {
        remoteAddress.logName(client: webSocket.flatMap { $0.handler.clientAddress(of: self) })
    }
}
