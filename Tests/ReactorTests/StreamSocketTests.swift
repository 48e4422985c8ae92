import Buffers
import Glibc
import Testing

@testable import Reactor

/// A minimal owner: the loop's handler and flush target, as the server's connections
/// and the load generator's clients are.
private final class StreamOwner: EventHandler, Flushable {
    var stream: StreamSocket
    let loop: EventLoop
    var readable = 0

    init(fd: Int32, loop: EventLoop, maxQueuedBytes: Int) throws {
        stream = StreamSocket(socket: FileDescriptor(taking: fd), maxQueuedBytes: maxQueuedBytes, now: loop.now)
        self.loop = loop
        try stream.register(on: loop, events: [.readable, .readHangup], handler: self)
    }

    func handleEvents(_ events: IOEvents) {
        if events.contains(.writable) { flush() }
        if events.contains(.readable) { readable += 1 }
    }

    func flush() { _ = try? stream.flush(loop) }

    func send(_ bytes: SharedBytes, offset: Int, count: Int, endsMessage: Bool) throws {
        try stream.enqueue(bytes, offset: offset, count: count, endsMessage: endsMessage, loop: loop, owner: self)
    }
}

@Suite struct StreamSocketTests {
    @Test func queuedRegionsGoOutInOrderBeforeTheLoopSleeps() throws {
        let loop = try EventLoop()
        let pair = SocketPair()
        defer { _ = Glibc.close(pair.right) }
        let owner = try StreamOwner(fd: pair.left, loop: loop, maxQueuedBytes: 1 << 20)
        let arena = SharedBytes(ByteBuffer(bytes: Array("headAheadB".utf8)))
        let body = SharedBytes(ByteBuffer(bytes: Array("-body".utf8)))
        try owner.send(arena, offset: 0, count: 5, endsMessage: false)
        try owner.send(body, offset: 0, count: body.count, endsMessage: true)
        try owner.send(arena, offset: 5, count: 5, endsMessage: false)
        try owner.send(body, offset: 0, count: body.count, endsMessage: true)
        #expect(owner.stream.queuedBytes == 20)
        loop.runOnce(maximumWaitMilliseconds: 0)
        #expect(owner.stream.queuedBytes == 0)
        #expect(String(decoding: readAvailable(pair.right), as: UTF8.self) == "headA-bodyheadB-body")
        owner.stream.close(loop)
    }

    /// Back-pressure applies to every way of queuing, regions included: over the limit
    /// the peer is not read until the queue drains to half.
    @Test func aQueueOverTheLimitStopsReadingUntilItDrainsToHalf() throws {
        let loop = try EventLoop()
        let pair = SocketPair()
        defer { _ = Glibc.close(pair.right) }
        pair.shrinkSendBuffer(pair.left, to: 4096)
        let owner = try StreamOwner(fd: pair.left, loop: loop, maxQueuedBytes: 64 * 1024)
        let chunk = SharedBytes(ByteBuffer(bytes: [UInt8](repeating: 7, count: 16 * 1024)))
        for _ in 0..<10 { try owner.send(chunk, offset: 0, count: 8 * 1024, endsMessage: true) }
        writeAll(pair.right, [1, 2, 3])
        loop.runOnce(maximumWaitMilliseconds: 0)  // flushes what the kernel takes
        loop.runOnce(maximumWaitMilliseconds: 20)
        #expect(owner.readable == 0, "read while \(owner.stream.queuedBytes) bytes were queued")
        #expect(owner.stream.queuedBytes > 32 * 1024)
        // The peer reads: the queue drains, and reading resumes.
        var received = 0
        for _ in 0..<200 where owner.readable == 0 {
            received += readAvailable(pair.right).count
            loop.runOnce(maximumWaitMilliseconds: 5)
        }
        #expect(owner.readable > 0)
        #expect(owner.stream.queuedBytes <= 32 * 1024)
        #expect(received > 0)
        owner.stream.close(loop)
    }
}
