import Buffers
import Deflate

/// Server frames compressed with permessage-deflate (RFC 7692 6.1): RSV1 set, the payload
/// the message's DEFLATE data. A server may send any message uncompressed, so these
/// return nil where compressing would not shrink the frame; the caller sends it as is.
extension FrameEncoder {
    /// A whole unmasked compressed frame of `payload`, or nil when it would not be smaller.
    public static func compressedFrame(
        opcode: Opcode, payload: UnsafeRawBufferPointer, deflater: MessageDeflater
    ) -> SharedBytes? {
        let compressed = deflater.compress(payload)
        guard compressed.count < payload.count else { return nil }
        let size = headerSize(payloadCount: compressed.count, masked: false)
        return SharedBytes(count: size + compressed.count) { target in
            let written = writeHeader(opcode: opcode, compressed: true, payloadCount: compressed.count, into: target)
            UnsafeMutableRawBufferPointer(rebasing: target[written...]).copyMemory(from: compressed)
        }
    }

    /// The compressed form of a whole unmasked frame `FrameEncoder` built (a shared reply
    /// or broadcast), or nil when it is a control frame, already compressed, fragmented,
    /// or would not shrink.
    public static func compressedFrame(of frame: SharedBytes, deflater: MessageDeflater) -> SharedBytes? {
        let bytes = frame.bytes
        guard bytes.count >= 2, bytes[0] & 0xF0 == 0x80 else { return nil }  // FIN, no RSV bits
        let opcode = Opcode(rawValue: bytes[0] & 0x0F)
        guard opcode == .text || opcode == .binary else { return nil }
        let header: Int
        switch bytes[1] & 0x7F {
        case 126: header = 4
        case 127: header = 10
        default: header = 2
        }
        guard bytes[1] & 0x80 == 0, bytes.count >= header else { return nil }
        return compressedFrame(opcode: opcode, payload: UnsafeRawBufferPointer(rebasing: bytes[header...]), deflater: deflater)
    }
}
