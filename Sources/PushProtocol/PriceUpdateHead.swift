import Buffers
import WebSocket

/// The per-connection start of a `price_update` frame: the WebSocket frame header and
/// `{"type":"price_update","seq":<seq>`.
///
/// `seq` is the only per-connection part of a price update, so a connection's frame is
/// this head plus a shared `PriceUpdateBody`, sent together with one `writev`. The
/// header's payload length covers head JSON and body, hence `bodyLength` here.
public enum PriceUpdateHead {
    static let prefix: StaticString = #"{"type":"price_update","seq":"#

    /// Bytes `write` appends for these arguments: frame header + head JSON.
    @inlinable
    public static func size(seq: UInt64, bodyLength: Int) -> Int {
        let json = jsonSize(seq: seq)
        return FrameEncoder.headerSize(payloadCount: json + bodyLength, masked: false) + json
    }

    /// Appends the head to `buffer` (many heads of one tick share one arena buffer) and
    /// returns the number of bytes written. The frame is unmasked, FIN, text; the header
    /// is `FrameEncoder`'s, for the total payload (head JSON + body).
    @discardableResult
    public static func write(seq: UInt64, bodyLength: Int, into buffer: inout ByteBuffer) -> Int {
        buffer.writeWithUnsafeMutableBytes(minimumWritable: size(seq: seq, bodyLength: bodyLength)) { target in
            write(seq: seq, bodyLength: bodyLength, into: target)
        }
    }

    /// Writes the head at the start of `target` (room for `size(seq:bodyLength:)` bytes)
    /// and returns its length: an update outside a tick gets a head buffer of its own,
    /// queued in front of a body other clients may share.
    @discardableResult
    public static func write(seq: UInt64, bodyLength: Int, into target: UnsafeMutableRawBufferPointer) -> Int {
        precondition(bodyLength >= 0, "bodyLength must not be negative")
        let digits = DecimalDigits.count(seq)
        let json = prefix.utf8CodeUnitCount + digits
        let payload = json + bodyLength
        // The header writer checks its own room; what follows it is checked here.
        let header = FrameEncoder.writeHeader(opcode: .text, payloadCount: payload, into: target)
        return writeJSON(seq: seq, digits: digits, into: target, at: header)
    }

    /// Writes `{"type":"price_update","seq":<seq>` at `offset` and returns where it ends.
    static func writeJSON(seq: UInt64, digits: Int, into target: UnsafeMutableRawBufferPointer, at offset: Int) -> Int {
        precondition(target.count - offset >= prefix.utf8CodeUnitCount + digits, "target too small for the head")
        // Straight from the literal's bytes: `withUTF8Buffer` cost a closure call per head.
        UnsafeMutableRawBufferPointer(rebasing: target[offset..<(offset + prefix.utf8CodeUnitCount)])
            .copyMemory(from: UnsafeRawBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount))
        let digitsAt = offset + prefix.utf8CodeUnitCount
        DecimalDigits.write(seq, digits: digits, into: target, at: digitsAt)
        return digitsAt + digits
    }

    @usableFromInline
    static func jsonSize(seq: UInt64) -> Int {
        prefix.utf8CodeUnitCount + DecimalDigits.count(seq)
    }
}
