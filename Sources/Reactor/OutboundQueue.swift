import Buffers
import Glibc

/// What a connection still has to send: regions of shared buffers in order, written
/// with one `writev` per flush. Holding `SharedBytes` references, not copies, is what
/// lets one encoded frame go to thousands of connections; a region (offset + count)
/// lets many connections' small per-connection heads live in one arena per tick.
public struct OutboundQueue {
    private struct Chunk {
        let bytes: SharedBytes
        var offset: Int
        let end: Int
        /// The last chunk of a message (a head chunk is followed by its body).
        let endsMessage: Bool
        var count: Int { end - offset }
    }

    private var chunks: [Chunk] = []
    private var head = 0
    public private(set) var pendingBytes = 0
    /// Some bytes of the message at `head` are already on the wire.
    private var messageInProgress = false

    public init() {}

    public var isEmpty: Bool { pendingBytes == 0 }
    public var chunkCount: Int { chunks.count - head }

    public mutating func append(_ bytes: SharedBytes, endsMessage: Bool = true) {
        append(bytes, offset: 0, count: bytes.count, endsMessage: endsMessage)
    }

    /// Queues `count` bytes of `bytes` starting at `offset`. `endsMessage: false` marks
    /// the first part of a message whose rest follows (so it is never split off).
    public mutating func append(_ bytes: SharedBytes, offset: Int, count: Int, endsMessage: Bool = true) {
        precondition(offset >= 0 && count >= 0 && offset + count <= bytes.count, "region outside the buffer")
        guard count > 0 else { return }
        // A tick's message is a head and a body, a handshake's replies two frames: one
        // allocation for two chunks instead of growing through one and two. Not more:
        // at a tick every client holds its array at once, and that peak stays in RSS.
        if chunks.capacity == 0 { chunks.reserveCapacity(2) }
        chunks.append(Chunk(bytes: bytes, offset: offset, end: offset + count, endsMessage: endsMessage))
        pendingBytes += count
    }

    /// Drops every queued message the peer has not started to receive, keeping the one
    /// partly written (cutting it would corrupt the stream). Returns the bytes dropped.
    @discardableResult
    public mutating func discardUnstartedMessages() -> Int {
        var keep = head
        if messageInProgress {
            while keep < chunks.count && !chunks[keep].endsMessage { keep += 1 }
            keep = min(keep + 1, chunks.count)
        }
        var dropped = 0
        for index in keep..<chunks.count { dropped += chunks[index].count }
        chunks.removeSubrange(keep...)
        pendingBytes -= dropped
        if head == chunks.count {
            chunks.removeAll(keepingCapacity: true)
            head = 0
        }
        return dropped
    }

    /// Drops everything queued (the connection is going away).
    public mutating func removeAll() {
        chunks = []
        head = 0
        pendingBytes = 0
        messageInProgress = false
    }

    public enum WriteOutcome: Equatable {
        /// Everything queued was written.
        case drained
        /// The socket buffer is full; arm EPOLLOUT and try again.
        case wouldBlock
    }

    /// Writes until drained or the socket would block.
    public mutating func write(to fd: Int32) throws(ReactorError) -> WriteOutcome {
        let maxIOV = 64
        return try withUnsafeTemporaryAllocation(of: iovec.self, capacity: maxIOV) {
            vectors throws(ReactorError) -> WriteOutcome in
            while pendingBytes > 0 {
                var count = 0
                var index = head
                while index < chunks.count && count < maxIOV {
                    let chunk = chunks[index]
                    vectors[count] = iovec(
                        iov_base: UnsafeMutableRawPointer(mutating: chunk.bytes.baseAddress + chunk.offset),
                        iov_len: chunk.count)
                    count += 1
                    index += 1
                }
                let base = vectors.baseAddress!
                switch try posixCall(function: "writev", { Glibc.writev(fd, base, Int32(count)) }) {
                case .wouldBlock:
                    return .wouldBlock
                case .processed(let written):
                    consume(written)
                }
            }
            return .drained
        }
    }

    /// Sends a message of two parts — a region of `head` and all of `body` — with one
    /// writev straight from the caller's buffers, and queues only what the kernel did not
    /// take. The queue must be empty (nothing may overtake what waits). A tick's fan-out
    /// sends this way: no chunk array to allocate and free per client per tick, no flush
    /// to schedule — the cork-and-send shape of uWebSockets.
    public mutating func writeThrough(
        head: SharedBytes, offset: Int, count: Int, body: SharedBytes, to fd: Int32,
        join: UnsafeMutableRawBufferPointer? = nil
    ) throws(ReactorError) -> WriteOutcome {
        precondition(isEmpty, "writeThrough with bytes queued")
        precondition(offset >= 0 && count >= 0 && offset + count <= head.count, "region outside the buffer")
        let result: IOResult<Int>
        if let join, count + body.count <= join.count, let target = join.baseAddress {
            target.copyMemory(from: head.baseAddress + offset, byteCount: count)
            (target + count).copyMemory(from: body.baseAddress, byteCount: body.count)
            result = try posixCall(function: "send", { Glibc.send(fd, target, count + body.count, Int32(MSG_NOSIGNAL)) })
        } else {
            var vectors = (
                iovec(iov_base: UnsafeMutableRawPointer(mutating: head.baseAddress + offset), iov_len: count),
                iovec(iov_base: UnsafeMutableRawPointer(mutating: body.baseAddress), iov_len: body.count)
            )
            result = try withUnsafeMutableBytes(of: &vectors) { raw throws(ReactorError) in
                let base = raw.baseAddress!.assumingMemoryBound(to: iovec.self)
                return try posixCall(function: "writev", { Glibc.writev(fd, base, 2) })
            }
        }
        var written = 0
        if case .processed(let count) = result { written = count }
        if written == count + body.count { return .drained }
        // The rest waits for EPOLLOUT; a started message is never dropped half-sent.
        if written < count {
            append(head, offset: offset + written, count: count - written, endsMessage: false)
            append(body)
        } else {
            append(body, offset: written - count, count: body.count - (written - count))
        }
        messageInProgress = written > 0
        return .wouldBlock
    }

    private mutating func consume(_ written: Int) {
        var remaining = written
        pendingBytes -= written
        while remaining > 0 {
            let available = chunks[head].count
            if remaining >= available {
                remaining -= available
                messageInProgress = !chunks[head].endsMessage
                head += 1
            } else {
                chunks[head].offset += remaining
                messageInProgress = true
                remaining = 0
            }
        }
        if head == chunks.count {
            // Drained: give the storage back. Keeping it would save one small allocation
            // per tick but cost every idle connection ~160 bytes, and memory per
            // connection is what limits how many one process holds.
            chunks = []
            head = 0
        } else if head > 32 && head * 2 > chunks.count {
            chunks.removeFirst(head)
            head = 0
        }
    }
}
