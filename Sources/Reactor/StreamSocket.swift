import Buffers

/// The byte-stream half of a non-blocking TCP connection, shared by the server's
/// connections and the load generator's clients: the descriptor and its registration,
/// the carried-over tail of the input, the outbound queue, write-before-sleep flush
/// scheduling, EPOLLOUT interest and back-pressure. Stored inline in its owner (no
/// allocation of its own); the owner is the loop's event handler and flush target and
/// decides what the bytes mean. Its methods never call back into the owner, so the
/// owner may use it from inside its own callbacks.
public struct StreamSocket: ~Copyable {
    public let fd: Int32
    private var socket: FileDescriptor?
    @usableFromInline var registration: Registration?
    /// Bytes of an incomplete request or frame kept between reads, at their own size.
    private var carry = ByteBuffer()
    @usableFromInline var outbound = OutboundQueue()
    @usableFromInline var flushScheduled = false
    @usableFromInline var writeInterest = false
    /// Not read while the queue is over `maxQueuedBytes`, until it drains to half.
    @usableFromInline var backPressured = false
    /// Not read because the owner says so (an answer in flight, a client that stopped).
    @usableFromInline var readHeld = false
    @usableFromInline let maxQueuedBytes: Int
    /// Last time the queue shrank, or bytes were queued while it was empty: a peer is
    /// stalled when this is old and the queue is not empty.
    public var lastWriteProgress: UInt64 { progressAt }
    @usableFromInline var progressAt: UInt64

    public init(socket: consuming FileDescriptor, maxQueuedBytes: Int, now: UInt64) {
        fd = socket.rawValue
        self.socket = consume socket
        self.maxQueuedBytes = maxQueuedBytes
        progressAt = now
    }

    public var isOpen: Bool { socket != nil }
    /// Bytes queued and not yet accepted by the kernel.
    public var queuedBytes: Int { outbound.pendingBytes }
    public var hasQueuedBytes: Bool { !outbound.isEmpty }
    public var hasCarry: Bool { !carry.isEmpty }

    public mutating func register(on loop: EventLoop, events: IOEvents, handler: any EventHandler) throws(ReactorError) {
        registration = try loop.register(fd, events: events, handler: handler)
    }

    // MARK: reading

    /// Hands the carried tail to `EventLoop.receive` (which copies it in front of the
    /// new bytes); give back what is left with `keepCarry`.
    public mutating func takeCarry() -> ByteBuffer {
        let taken = carry
        carry = ByteBuffer()
        return taken
    }

    public mutating func keepCarry(_ tail: ByteBuffer) {
        if socket != nil { carry = tail }
    }

    // MARK: writing

    /// Queues a region of a shared buffer; `endsMessage: false` when the rest of the
    /// message follows. Schedules `owner.flush()` before the loop sleeps and stops
    /// reading while the queue is over the limit. A thrown error (epoll) means the
    /// connection is unusable: close it.
    @inlinable
    public mutating func enqueue(
        _ bytes: SharedBytes, offset: Int, count: Int, endsMessage: Bool, loop: EventLoop, owner: any Flushable
    ) throws(ReactorError) {
        if outbound.isEmpty { progressAt = loop.now }
        outbound.append(bytes, offset: offset, count: count, endsMessage: endsMessage)
        if !flushScheduled && !writeInterest {
            flushScheduled = true
            loop.scheduleFlush(owner)
        }
        if outbound.pendingBytes > maxQueuedBytes && !backPressured {
            backPressured = true
            try updateInterest(loop)
        }
    }

    /// Sends a head region and a shared body now when asked to and nothing is queued
    /// ahead of them (`OutboundQueue.writeThrough`), else queues them like `enqueue`.
    /// What the kernel does not take waits for EPOLLOUT. Throws when the peer is gone or
    /// epoll fails.
    @inlinable
    public mutating func send(
        head: SharedBytes, offset: Int, count: Int, body: SharedBytes, now: Bool = true, loop: EventLoop,
        owner: any Flushable
    ) throws(ReactorError) {
        guard now, outbound.isEmpty, !writeInterest, isOpen else {
            try enqueue(head, offset: offset, count: count, endsMessage: false, loop: loop, owner: owner)
            try enqueue(body, offset: 0, count: body.count, endsMessage: true, loop: loop, owner: owner)
            return
        }
        progressAt = loop.now
        if case .wouldBlock = try outbound.writeThrough(
            head: head, offset: offset, count: count, body: body, to: fd, join: loop.joinBuffer)
        {
            try setWriteInterest(true, loop)
            if outbound.pendingBytes > maxQueuedBytes && !backPressured {
                backPressured = true
                try updateInterest(loop)
            }
        }
    }

    public enum FlushOutcome: Equatable {
        /// Nothing is left queued.
        case drained
        /// The kernel took what it could; EPOLLOUT will bring the rest.
        case pending
    }

    /// Writes what is queued (one writev per 64 chunks) and arms or disarms EPOLLOUT.
    /// Throws when the peer is gone (EPIPE, ECONNRESET) or epoll fails: close it.
    public mutating func flush(_ loop: EventLoop) throws(ReactorError) -> FlushOutcome {
        flushScheduled = false
        if !outbound.isEmpty {
            let before = outbound.pendingBytes
            let outcome = try outbound.write(to: fd)
            if outbound.pendingBytes < before { progressAt = loop.now }
            let wouldBlock: Bool
            if case .wouldBlock = outcome { wouldBlock = true } else { wouldBlock = false }
            try setWriteInterest(wouldBlock, loop)
        } else if writeInterest {
            try setWriteInterest(false, loop)
        }
        if backPressured && outbound.pendingBytes <= maxQueuedBytes / 2 {
            backPressured = false
            try updateInterest(loop)
        }
        return outbound.isEmpty ? .drained : .pending
    }

    /// Drops every queued message the peer has not started to receive (see
    /// `OutboundQueue.discardUnstartedMessages`).
    @discardableResult
    public mutating func discardUnstartedMessages() -> Int {
        outbound.discardUnstartedMessages()
    }

    // MARK: interest

    /// Stops or resumes reading for the owner's reasons; back-pressure still applies.
    public mutating func holdReading(_ held: Bool, _ loop: EventLoop) throws(ReactorError) {
        guard held != readHeld else { return }
        readHeld = held
        try updateInterest(loop)
    }

    /// Reads again whatever the queue holds (after shutting the write side, to see the
    /// peer's FIN and discard what it still sends).
    public mutating func resumeReadingRegardless(_ loop: EventLoop) throws(ReactorError) {
        guard readHeld || backPressured else { return }
        readHeld = false
        backPressured = false
        try updateInterest(loop)
    }

    @usableFromInline
    mutating func setWriteInterest(_ on: Bool, _ loop: EventLoop) throws(ReactorError) {
        guard on != writeInterest else { return }
        writeInterest = on
        try updateInterest(loop)
    }

    /// Re-applies the interest set (after connecting, when EPOLLOUT was all it had).
    public mutating func updateInterest(_ loop: EventLoop) throws(ReactorError) {
        guard let registration else { return }
        var events: IOEvents = readHeld || backPressured ? [] : [.readable, .readHangup]
        if writeInterest { events.insert(.writable) }
        try loop.modify(registration, events: events)
    }

    // MARK: closing

    /// Half-closes the write side: the peer sees end of stream after what was written.
    public func shutdownWrite() {
        if socket != nil { Socket.shutdownWrite(fd) }
    }

    /// Lets the kernel take `bytes` more than its send buffer holds now (see
    /// `Socket.growSendBuffer`).
    public func growSendBuffer(by bytes: Int) {
        if socket != nil { Socket.growSendBuffer(fd, by: bytes) }
    }

    /// Deregisters and closes the descriptor, and drops what was queued or carried.
    public mutating func close(_ loop: EventLoop) {
        if let registration { loop.deregister(registration) }
        registration = nil
        socket = nil
        outbound.removeAll()
        carry = ByteBuffer()
    }
}
