import Buffers

extension EventLoop {
    /// One read for a connection that keeps only the unfinished tail of its input, the
    /// way both the server's connections and the load generator's clients read: bytes
    /// land after `carry`, or in the loop's shared buffer when `carry` is empty (so an
    /// idle connection holds no receive buffer); `process` consumes what it can and
    /// returns false once the connection is gone; the returned buffer is what to carry
    /// to the next read. At end of stream (`.processed(0)`) `process` is not called.
    public func receive(
        from fd: Int32, carrying carry: ByteBuffer, process: (inout ByteBuffer, _ count: Int) -> Bool
    ) throws(ReactorError) -> (result: IOResult<Int>, carry: ByteBuffer) {
        let usingShared = carry.isEmpty
        var buffer = usingShared ? takeReadBuffer() : carry
        let result: IOResult<Int>
        do {
            result = try Socket.read(fd, into: &buffer, maximum: 64 * 1024)
        } catch {
            if usingShared { returnReadBuffer(buffer) }
            throw error
        }
        var keep = true
        if case .processed(let count) = result, count > 0 { keep = process(&buffer, count) }
        var next = ByteBuffer()
        if usingShared {
            if keep && !buffer.isEmpty {
                // Only the incomplete tail is copied out; the shared buffer goes back.
                next = ByteBuffer(capacity: Swift.max(buffer.readableBytes * 2, 1024))
                buffer.withUnsafeReadableBytes { next.writeBytes($0) }
            }
            returnReadBuffer(buffer)
        } else if keep && !(buffer.isEmpty && buffer.capacity > 64 * 1024) {
            // A buffer that grew for one large message is not kept once empty.
            next = buffer
        }
        return (result, next)
    }
}
