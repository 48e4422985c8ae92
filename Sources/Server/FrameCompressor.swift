import Buffers
import Deflate
import WebSocket

/// The loop's compression of outgoing messages for permessage-deflate connections: one
/// deflater for all of them (made at the first use; a connection never has its own),
/// reset for each message. A shared frame (a cached reply, a broadcast) is compressed
/// once for the run of connections it is queued on, not once per connection.
final class FrameCompressor {
    private lazy var deflater = MessageDeflater()
    /// The last shared frame compressed and its compressed copy (itself when compressing
    /// does not shrink it). Holding the source keeps its identity from being reused.
    private var last: (source: SharedBytes, result: SharedBytes)?

    /// A compressed frame of `payload`, or nil when it would not be smaller.
    func frame(opcode: Opcode, payload: UnsafeRawBufferPointer) -> SharedBytes? {
        FrameEncoder.compressedFrame(opcode: opcode, payload: payload, deflater: deflater)
    }

    /// `frame` compressed, or `frame` itself when it is a control frame or would not shrink.
    func compressed(_ frame: SharedBytes) -> SharedBytes {
        if let last, last.source === frame { return last.result }
        let result = FrameEncoder.compressedFrame(of: frame, deflater: deflater) ?? frame
        last = (frame, result)
        return result
    }
}

@available(*, unavailable)
extension FrameCompressor: Sendable {}
