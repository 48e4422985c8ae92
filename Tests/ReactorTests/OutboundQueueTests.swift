import Buffers
import Glibc
import Testing

@testable import Reactor

@Suite struct OutboundQueueTests {
    @Test func writesEveryChunkInOrderWithWritev() throws {
        let pair = SocketPair()
        defer { pair.close() }
        var queue = OutboundQueue()
        queue.append(SharedBytes([1, 2, 3]))
        queue.append(SharedBytes([]))
        queue.append(SharedBytes([4, 5]))
        #expect(queue.pendingBytes == 5)
        #expect(try queue.write(to: pair.left) == .drained)
        #expect(queue.isEmpty)
        #expect(readAvailable(pair.right) == [1, 2, 3, 4, 5])
    }

    @Test func partialWritesResumeWhereTheyStopped() throws {
        let pair = SocketPair()
        defer { pair.close() }
        pair.shrinkSendBuffer(pair.left, to: 4096)
        var queue = OutboundQueue()
        let shared = SharedBytes((0..<100_000).map { UInt8(truncatingIfNeeded: $0 * 7) })
        for _ in 0..<5 { queue.append(shared) }
        var received: [UInt8] = []
        var rounds = 0
        while true {
            let outcome = try queue.write(to: pair.left)
            received += readAvailable(pair.right)
            rounds += 1
            if outcome == .drained { break }
            #expect(queue.pendingBytes > 0)
        }
        received += readAvailable(pair.right)
        #expect(rounds > 1, "the small socket buffer should force partial writes")
        #expect(received.count == 500_000)
        #expect(received == Array(repeating: shared.array, count: 5).flatMap { $0 })
    }

    @Test func oneSharedFrameGoesToManySocketsWithoutCopies() throws {
        let frame = SharedBytes(Array("hello".utf8))
        let pairs = (0..<3).map { _ in SocketPair() }
        defer { pairs.forEach { $0.close() } }
        var queues = Array(repeating: OutboundQueue(), count: 3)
        for index in queues.indices { queues[index].append(frame) }
        for index in queues.indices {
            #expect(try queues[index].write(to: pairs[index].left) == .drained)
            #expect(readAvailable(pairs[index].right) == Array("hello".utf8))
        }
    }

    @Test func writingToAClosedPeerThrowsNotCrashes() throws {
        let pair = SocketPair()
        signal(SIGPIPE, SIG_IGN)
        _ = Glibc.close(pair.right)
        var queue = OutboundQueue()
        queue.append(SharedBytes([1]))
        #expect(throws: ReactorError.self) { try queue.write(to: pair.left) }
        _ = Glibc.close(pair.left)
    }
}

@Suite struct OutboundQueueRegionTests {
    @Test func regionsOfOneArenaGoToDifferentSockets() throws {
        let arena = SharedBytes(Array("aaabbbbcc".utf8))
        let body = SharedBytes(Array("-shared".utf8))
        let pairs = (0..<3).map { _ in SocketPair() }
        defer { pairs.forEach { $0.close() } }
        let regions = [(0, 3), (3, 4), (7, 2)]
        for (index, region) in regions.enumerated() {
            var queue = OutboundQueue()
            queue.append(arena, offset: region.0, count: region.1)
            queue.append(body)
            #expect(queue.pendingBytes == region.1 + 7)
            #expect(try queue.write(to: pairs[index].left) == .drained)
        }
        #expect(readAvailable(pairs[0].right) == Array("aaa-shared".utf8))
        #expect(readAvailable(pairs[1].right) == Array("bbbb-shared".utf8))
        #expect(readAvailable(pairs[2].right) == Array("cc-shared".utf8))
    }
}

@Suite struct OutboundQueueDiscardTests {
    @Test func keepsTheMessageInProgressAndDropsTheRest() throws {
        let pair = SocketPair()
        defer { pair.close() }
        pair.shrinkSendBuffer(pair.left, to: 4096)
        var queue = OutboundQueue()
        let head = SharedBytes(Array(repeating: 0x68, count: 10))
        let body = SharedBytes(Array(repeating: 0x62, count: 300_000))
        queue.append(head, endsMessage: false)
        queue.append(body)
        queue.append(SharedBytes(Array(repeating: 0x78, count: 1000)))
        #expect(try queue.write(to: pair.left) == .wouldBlock)
        let sent = 311_000 - queue.pendingBytes
        #expect(sent > 0 && sent < 300_010)  // part of the first message is on the wire
        let dropped = queue.discardUnstartedMessages()
        #expect(dropped == 1000, "only the message nobody started receiving goes")
        var received = readAvailable(pair.right)
        while try queue.write(to: pair.left) == .wouldBlock { received += readAvailable(pair.right) }
        received += readAvailable(pair.right)
        #expect(received.count == 300_010)
    }

    @Test func dropsEverythingWhenNoMessageIsInProgress() {
        var queue = OutboundQueue()
        queue.append(SharedBytes([1, 2]), endsMessage: false)
        queue.append(SharedBytes([3]))
        queue.append(SharedBytes([4]))
        #expect(queue.discardUnstartedMessages() == 4)
        #expect(queue.isEmpty)
    }
}
