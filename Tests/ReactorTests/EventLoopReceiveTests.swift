import Buffers
import Glibc
import Testing

@testable import Reactor

/// `EventLoop.receive`: what a connection keeps between reads is the unfinished tail,
/// at its own size, whatever the size of the reads that brought it.
@Suite struct EventLoopReceiveTests {
    /// Receives once, leaving everything unconsumed (an incomplete frame or request).
    private func receiveKeepingAll(_ loop: EventLoop, _ fd: Int32, carry: ByteBuffer) throws -> ByteBuffer {
        try loop.receive(from: fd, carrying: carry) { _, _ in true }.carry
    }

    @Test func aPartialTailIsCarriedAtItsOwnSize() throws {
        let loop = try EventLoop()
        let pair = SocketPair()
        defer { pair.close() }
        writeAll(pair.right, [0x81])
        var carry = try receiveKeepingAll(loop, pair.left, carry: ByteBuffer())
        #expect(carry.readableBytesArray == [0x81])
        writeAll(pair.right, [0xFE])
        carry = try receiveKeepingAll(loop, pair.left, carry: carry)
        #expect(carry.readableBytesArray == [0x81, 0xFE])
        // Two bytes waiting must not pin a 64 KiB read's worth of memory per connection.
        #expect(carry.capacity <= 64, "a 2-byte tail holds \(carry.capacity) bytes")
    }

    @Test func consumedBytesLeaveOnlyTheRest() throws {
        let loop = try EventLoop()
        let pair = SocketPair()
        defer { pair.close() }
        writeAll(pair.right, [1, 2, 3])
        var carry = try receiveKeepingAll(loop, pair.left, carry: ByteBuffer())
        writeAll(pair.right, [4, 5])
        var seen: [UInt8] = []
        carry = try loop.receive(from: pair.left, carrying: carry) { buffer, count in
            seen = buffer.readableBytesArray
            #expect(count == 2)
            buffer.moveReaderIndex(by: 4)
            return true
        }.carry
        #expect(seen == [1, 2, 3, 4, 5])
        #expect(carry.readableBytesArray == [5])
        // Nothing to read: the carry comes back as it was.
        let idle = try loop.receive(from: pair.left, carrying: carry) { _, _ in
            Issue.record("process called without new bytes")
            return true
        }
        #expect(idle.carry.readableBytesArray == [5])
    }
}
