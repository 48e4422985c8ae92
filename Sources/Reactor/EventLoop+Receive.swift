import Buffers

extension EventLoop {
    /// One read for a connection that keeps only the unfinished tail of its input, the
    /// way both the server's connections and the load generator's clients read. Bytes
    /// always land in the loop's shared buffer, behind a copy of `carry`; `process`
    /// consumes what it can and returns false once the connection is gone; what it
    /// leaves is copied out at its own size and returned as the next carry. So a
    /// connection holds no receive buffer while idle, and an incomplete request or frame
    /// costs its own bytes, never a 64 KiB read's reservation. At end of stream
    /// (`.processed(0)`) or with nothing to read, `process` is not called and `carry`
    /// comes back as it was.
    public func receive(
        from fd: Int32, carrying carry: ByteBuffer, process: (inout ByteBuffer, _ count: Int) -> Bool
    ) throws(ReactorError) -> (result: IOResult<Int>, carry: ByteBuffer) {
        var buffer = takeReadBuffer()
        if !carry.isEmpty { carry.withUnsafeReadableBytes { buffer.writeBytes($0) } }
        let result: IOResult<Int>
        do {
            result = try Socket.read(fd, into: &buffer, maximum: 64 * 1024)
        } catch {
            returnReadBuffer(buffer)
            throw error
        }
        guard case .processed(let count) = result, count > 0 else {
            returnReadBuffer(buffer)
            return (result, carry)
        }
        var next = ByteBuffer()
        if process(&buffer, count) && !buffer.isEmpty {
            next = ByteBuffer(capacity: buffer.readableBytes)
            buffer.withUnsafeReadableBytes { next.writeBytes($0) }
        }
        returnReadBuffer(buffer)
        return (result, next)
    }
}
