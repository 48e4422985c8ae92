import CZlib

/// Inflates the messages one peer compressed with permessage-deflate (RFC 7692 7.2.2).
///
/// With context takeover the LZ77 window carries over from message to message, so a
/// connection keeps its inflater; without it the owner drops the inflater after each
/// message. zlib allocates the window (2^windowBits) at the first output, the state
/// (~7 KiB) here: a connection that never sends compressed data should never make one.
public final class MessageInflater {
    /// The empty stored block a sender removed from the end of each message.
    static let flushMarker: [UInt8] = [0x00, 0x00, 0xFF, 0xFF]
    /// Output produced per zlib call before it is appended to the message.
    static let chunkSize = 16 * 1024

    private let stream: UnsafeMutablePointer<z_stream>
    /// The peer ended its DEFLATE stream with a final block: the rest of the message must be empty.
    private var ended = false

    /// `windowBits`: the peer's `client_max_window_bits` (8...15; 15 when none was agreed).
    public init(windowBits: Int) {
        precondition((8...15).contains(windowBits), "window bits must be 8...15")
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = inflateInit2_(stream, -Int32(windowBits), zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        precondition(status == Z_OK, "inflateInit2 failed (\(status)): zlib is unusable")
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }

    /// Inflates one fragment's compressed bytes onto `output`, which may not grow past
    /// `limit` bytes: a message inflating to more throws `.tooLarge` once the limit is
    /// passed, having held no more than the limit and one chunk.
    public func inflate(_ input: UnsafeRawBufferPointer, into output: inout [UInt8], limit: Int) throws(InflateError) {
        guard input.count > 0 else { return }
        guard !ended else { throw .invalidData("data after the final block") }
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(input.count)
        try drain(into: &output, limit: limit)
        if ended && stream.pointee.avail_in > 0 { throw .invalidData("data after the final block") }
    }

    /// Ends a message: inflates the flush marker the sender removed and checks that the
    /// data stopped on a block boundary. The next message continues this stream (context
    /// takeover) unless the peer ended it with a final block.
    public func finishMessage(into output: inout [UInt8], limit: Int) throws(InflateError) {
        if !ended {
            try withUnsafeTemporaryAllocation(byteCount: Self.flushMarker.count, alignment: 1) { (marker) throws(InflateError) in
                marker.copyBytes(from: Self.flushMarker)
                stream.pointee.next_in = marker.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_in = uInt(marker.count)
                try drain(into: &output, limit: limit)
            }
            // 128: inflate stopped between blocks (zlib's data_type); else the message ended mid-block.
            guard ended || stream.pointee.data_type & 128 != 0 else { throw .invalidData("message ends inside a block") }
        }
        if ended {
            // A final block ended the stream; the peer's next message starts a new one.
            inflateReset(stream)
            ended = false
        }
    }

    /// Calls inflate until the input is used up and no output is pending.
    private func drain(into output: inout [UInt8], limit: Int) throws(InflateError) {
        try withUnsafeTemporaryAllocation(byteCount: Self.chunkSize, alignment: 1) { (chunk) throws(InflateError) in
            while true {
                stream.pointee.next_out = chunk.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_out = uInt(chunk.count)
                let status = CZlib.inflate(stream, Z_SYNC_FLUSH)
                let produced = chunk.count - Int(stream.pointee.avail_out)
                switch status {
                case Z_OK, Z_BUF_ERROR, Z_STREAM_END: break
                default: throw .invalidData(stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(status)")
                }
                guard output.count + produced <= limit else { throw .tooLarge(limit: limit) }
                output.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[..<produced]))
                if status == Z_STREAM_END {
                    // What follows a final block is left in `avail_in` for the caller to judge.
                    ended = true
                    return
                }
                if stream.pointee.avail_out > 0 && (stream.pointee.avail_in == 0 || status == Z_BUF_ERROR) { return }
            }
        }
    }
}

@available(*, unavailable)
extension MessageInflater: Sendable {}
