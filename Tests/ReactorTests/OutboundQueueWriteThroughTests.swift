import Buffers
import Glibc
import Testing

@testable import Reactor

/// `OutboundQueue.writeThrough`: a tick's message sent straight from the shared
/// buffers, with only what the kernel refuses left queued.
@Suite struct OutboundQueueWriteThroughTests {
    @Test func aMessageTheKernelTakesWholeLeavesNothingQueued() throws {
        let pair = SocketPair()
        defer { pair.close() }
        let arena = SharedBytes(Array("xxHEADyy".utf8))
        let body = SharedBytes(Array("-body".utf8))
        var queue = OutboundQueue()
        #expect(try queue.writeThrough(head: arena, offset: 2, count: 4, body: body, to: pair.left) == .drained)
        #expect(queue.isEmpty && queue.chunkCount == 0)
        #expect(readAvailable(pair.right) == Array("HEAD-body".utf8))
    }

    @Test func whatTheKernelRefusesIsQueuedAndKeptWhole() throws {
        let pair = SocketPair()
        defer { pair.close() }
        pair.shrinkSendBuffer(pair.left, to: 4096)
        let head = SharedBytes(Array(repeating: 0x68, count: 10))
        let body = SharedBytes((0..<300_000).map { UInt8(truncatingIfNeeded: $0 * 13) })
        var queue = OutboundQueue()
        #expect(try queue.writeThrough(head: head, offset: 0, count: 10, body: body, to: pair.left) == .wouldBlock)
        let sent = 300_010 - queue.pendingBytes
        #expect(sent > 0 && sent < 300_010)
        // Started on the wire, so a slow-consumer discard must keep it.
        queue.append(SharedBytes([0x78]))
        #expect(queue.discardUnstartedMessages() == 1)
        var received = readAvailable(pair.right)
        while try queue.write(to: pair.left) == .wouldBlock { received += readAvailable(pair.right) }
        received += readAvailable(pair.right)
        #expect(received == head.array + body.array)
    }

    @Test func aFullSocketQueuesTheWholeMessageAsNotStarted() throws {
        let pair = SocketPair()
        defer { pair.close() }
        pair.shrinkSendBuffer(pair.left, to: 4096)
        var filler = OutboundQueue()
        filler.append(SharedBytes(Array(repeating: 0x66, count: 200_000)))
        #expect(try filler.write(to: pair.left) == .wouldBlock)
        var queue = OutboundQueue()
        let head = SharedBytes([1, 2])
        let body = SharedBytes([3, 4, 5])
        #expect(try queue.writeThrough(head: head, offset: 0, count: 2, body: body, to: pair.left) == .wouldBlock)
        #expect(queue.pendingBytes == 5)
        #expect(queue.discardUnstartedMessages() == 5, "nothing of it reached the peer: droppable")
    }

    /// With the loop's join buffer the parts go out as one contiguous send(2); a message
    /// larger than the buffer falls back to writev; either way the bytes are the same.
    @Test func theJoinBufferCarriesSmallMessagesAndLargeOnesFallBack() throws {
        let pair = SocketPair()
        defer { pair.close() }
        let join = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 64)
        defer { join.deallocate() }
        let arena = SharedBytes(Array("..HEAD..".utf8))
        let small = SharedBytes(Array("-small-body".utf8))
        var queue = OutboundQueue()
        #expect(try queue.writeThrough(head: arena, offset: 2, count: 4, body: small, to: pair.left, join: join) == .drained)
        let large = SharedBytes(Array(repeating: 0x6C, count: 100))
        #expect(try queue.writeThrough(head: arena, offset: 2, count: 4, body: large, to: pair.left, join: join) == .drained)
        #expect(readAvailable(pair.right) == Array("HEAD-small-body".utf8) + Array("HEAD".utf8) + large.array)
    }

    @Test func aJoinedMessageTheKernelRefusesInPartIsQueuedFromTheSharedBuffers() throws {
        let pair = SocketPair()
        defer { pair.close() }
        pair.shrinkSendBuffer(pair.left, to: 4096)
        let join = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
        defer { join.deallocate() }
        let head = SharedBytes(Array(repeating: 0x68, count: 10))
        let body = SharedBytes((0..<300_000).map { UInt8(truncatingIfNeeded: $0 * 7) })
        var queue = OutboundQueue()
        #expect(try queue.writeThrough(head: head, offset: 0, count: 10, body: body, to: pair.left, join: join) == .wouldBlock)
        join.initializeMemory(as: UInt8.self, repeating: 0)  // the join buffer is reused at once
        var received = readAvailable(pair.right)
        while try queue.write(to: pair.left) == .wouldBlock { received += readAvailable(pair.right) }
        received += readAvailable(pair.right)
        #expect(received == head.array + body.array)
    }

    @Test func aClosedPeerThrows() throws {
        let pair = SocketPair()
        signal(SIGPIPE, SIG_IGN)
        _ = Glibc.close(pair.right)
        var queue = OutboundQueue()
        #expect(throws: ReactorError.self) {
            try queue.writeThrough(head: SharedBytes([1]), offset: 0, count: 1, body: SharedBytes([2]), to: pair.left)
        }
        _ = Glibc.close(pair.left)
    }
}
