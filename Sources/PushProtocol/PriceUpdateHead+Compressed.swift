import Buffers
import Deflate
import WebSocket

/// The head of a `price_update` for a permessage-deflate connection: the frame header
/// with RSV1 set, then the head JSON as a DEFLATE stored block. The body that follows
/// is the shared body compressed once (`MessageDeflater`, its flush marker removed), so
/// the frame's payload is one DEFLATE stream: stored head, compressed body. Every
/// client's inflater, with or without context takeover, reads it to the same JSON as
/// the uncompressed frame's, since the body refers back to nothing before itself.
extension PriceUpdateHead {
    /// Bytes `writeCompressed` writes: frame header + stored block header + head JSON.
    @inlinable
    public static func compressedSize(seq: UInt64, compressedBodyLength: Int) -> Int {
        let stored = StoredBlock.headerSize + jsonSize(seq: seq)
        return FrameEncoder.headerSize(payloadCount: stored + compressedBodyLength, masked: false) + stored
    }

    /// Appends the compressed head to `buffer` and returns the number of bytes written.
    @discardableResult
    public static func writeCompressed(seq: UInt64, compressedBodyLength: Int, into buffer: inout ByteBuffer) -> Int {
        buffer.writeWithUnsafeMutableBytes(minimumWritable: compressedSize(seq: seq, compressedBodyLength: compressedBodyLength))
        {
            writeCompressed(seq: seq, compressedBodyLength: compressedBodyLength, into: $0)
        }
    }

    /// Writes the compressed head at the start of `target` and returns its length.
    @discardableResult
    public static func writeCompressed(
        seq: UInt64, compressedBodyLength: Int, into target: UnsafeMutableRawBufferPointer
    ) -> Int {
        precondition(compressedBodyLength >= 0, "compressedBodyLength must not be negative")
        let digits = DecimalDigits.count(seq)
        let json = prefix.utf8CodeUnitCount + digits
        let payload = StoredBlock.headerSize + json + compressedBodyLength
        let header = FrameEncoder.writeHeader(opcode: .text, compressed: true, payloadCount: payload, into: target)
        StoredBlock.writeHeader(length: json, into: target, at: header)
        return writeJSON(seq: seq, digits: digits, into: target, at: header + StoredBlock.headerSize)
    }
}
