import Buffers
import Glibc
import Reactor
import WebSocket

/// One client connection: the I/O shell around `ClientProtocol`. The byte stream
/// (loop-wide read buffer with only an incomplete tail kept, writes queued and flushed
/// before the loop sleeps, back-pressure) is the server's own `StreamSocket`. Owned by
/// its worker's loop.
final class ClientConnection: EventHandler, Flushable {
    enum Phase: Equatable {
        case connecting
        case handshaking
        case open
        case closed
    }

    unowned let worker: ClientWorker
    let index: Int
    let stopsReading: Bool
    private var stream: StreamSocket
    private(set) var phase: Phase = .connecting
    private var proto: ClientProtocol
    private var readStopped = false
    /// Monotonic nanoseconds when connect(2) was called.
    let startedAt: UInt64
    /// `seq` at the warm-up boundary (nil: not open then).
    private var seqAtWindowStart: UInt64?

    init(index: Int, worker: ClientWorker, target: SocketAddress, source: SocketAddress?, proto: ClientProtocol) throws {
        let socket =
            if let source { try Socket.connect(to: target, from: source) } else { try Socket.connect(to: target) }
        // A client sends a handshake and a subscribe: a limit only for a server that
        // answers with a flood of pings while we are not reading.
        stream = StreamSocket(socket: socket, maxQueuedBytes: 1 << 20, now: worker.loop.now)
        self.index = index
        self.worker = worker
        self.proto = proto
        stopsReading = worker.configuration.stopsReading(index)
        startedAt = MonotonicClock.now()
        try stream.register(on: worker.loop, events: [.writable], handler: self)
    }

    // MARK: events

    func handleEvents(_ events: IOEvents) {
        if phase == .connecting {
            connectFinished(events)
            return
        }
        if events.contains(.writable) { flush() }
        if phase != .closed && !readStopped && !events.isDisjoint(with: [.readable, .readHangup, .hangup, .error]) {
            readAvailable()
        }
    }

    private func connectFinished(_ events: IOEvents) {
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        if getsockopt(stream.fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0 { error = errno }
        if error == 0 && !events.contains(.writable) { error = ECONNREFUSED }
        guard error == 0 else {
            fail("connect: \(String(cString: strerror(error)))")
            return
        }
        phase = .handshaking
        Socket.setNoDelay(stream.fd)
        enqueue(
            SharedBytes(
                proto.handshakeRequest(url: worker.configuration.url, bearer: worker.churn?.configuration.token(for: index))))
        do { try stream.updateInterest(worker.loop) } catch { lost("epoll: \(error)") }
    }

    private func readAvailable() {
        let carry = stream.takeCarry()
        let outcome: (result: IOResult<Int>, carry: ByteBuffer)
        do {
            outcome = try worker.loop.receive(from: stream.fd, carrying: carry) { buffer, count in
                worker.stats.wireBytes &+= UInt64(count)
                process(&buffer)
                return phase != .closed
            }
        } catch {
            lost("read: \(error)")
            return
        }
        if phase != .closed { stream.keepCarry(outcome.carry) }
        if case .processed(0) = outcome.result { lost("end of stream") }
    }

    /// Feeds the protocol until it needs more bytes or the connection ends.
    private func process(_ buffer: inout ByteBuffer) {
        let receivedAt = WallClock.nowMicroseconds()
        while phase != .closed && !buffer.isEmpty {
            let (consumed, event) = buffer.withUnsafeReadableBytes { bytes in
                proto.receive(bytes, receivedAt: receivedAt, stats: &worker.stats, reply: &worker.reply)
            }
            buffer.moveReaderIndex(by: consumed)
            if !worker.reply.isEmpty {
                enqueue(SharedBytes(worker.reply))
                worker.reply.clear()
            }
            switch event {
            case .none:
                return
            case .opened:
                phase = .open
                worker.didOpen(self)
                var subscribe = ByteBuffer(capacity: 256)
                proto.appendText(worker.configuration.template.expand(index: index), to: &subscribe)
                enqueue(SharedBytes(subscribe))
                if stopsReading {
                    readStopped = true
                    buffer.clear()
                    do { try stream.holdReading(true, worker.loop) } catch { lost("epoll: \(error)") }
                    return
                }
            case .failed(let reason):
                fail(reason)
                return
            case .closed(let code):
                flush()
                end(closeCode: code)
                return
            }
        }
    }

    // MARK: measurement

    func markWindowStart() {
        seqAtWindowStart = phase == .open ? proto.lastSeq : nil
    }

    /// Open and reading through the whole window, yet no `price_update` arrived.
    var isSilentSinceWindowStart: Bool {
        phase == .open && !stopsReading && seqAtWindowStart == proto.lastSeq
    }

    // MARK: writing

    private func enqueue(_ bytes: SharedBytes) {
        guard phase != .closed else { return }
        do {
            try stream.enqueue(bytes, offset: 0, count: bytes.count, endsMessage: true, loop: worker.loop, owner: self)
        } catch {
            lost("epoll: \(error)")
        }
    }

    func flush() {
        guard phase != .closed, phase != .connecting else { return }
        do { _ = try stream.flush(worker.loop) } catch { lost("write: \(error)") }
    }

    // MARK: ending

    /// The transport broke: before the 101 that is a failed connection, after it an
    /// abnormal close (1006).
    private func lost(_ reason: String) {
        if phase == .open { end(closeCode: 1006) } else { fail(reason) }
    }

    private func fail(_ reason: String) {
        guard phase != .closed else { return }
        let wasOpen = phase == .open
        release()
        if wasOpen { worker.didClose(self, code: 1006) } else { worker.didFail(self, reason: reason) }
    }

    private func end(closeCode: UInt16) {
        guard phase != .closed else { return }
        release()
        worker.didClose(self, code: closeCode)
    }

    /// Ends an open client as a well-behaved one leaves: a close frame (1000), then the
    /// socket, without waiting for the echo (churn: the end of a wave's hold).
    func finish() {
        if phase == .open {
            var frame = ByteBuffer(capacity: 8)
            let normal: [UInt8] = [0x03, 0xE8]
            normal.withUnsafeBytes { proto.appendFrame(opcode: .close, payload: $0, to: &frame) }
            enqueue(SharedBytes(frame))
            flush()
        }
        release()
    }

    /// Closes the socket without telling the worker (shutdown at the end of a run).
    func release() {
        guard phase != .closed else { return }
        phase = .closed
        stream.close(worker.loop)
    }
}

@available(*, unavailable)
extension ClientConnection: Sendable {}
