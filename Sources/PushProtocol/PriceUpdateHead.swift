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
    /// returns the number of bytes written. The frame is unmasked, FIN, text; its length
    /// uses the 7-, 16- or 64-bit form as RFC 6455 requires for the total payload.
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
        precondition(
            target.count >= FrameEncoder.headerSize(payloadCount: payload, masked: false) + json,
            "target too small for the head")
        var offset = 0
        target[0] = 0x80 | 0x01  // FIN, text
        if payload <= 125 {
            target[1] = UInt8(payload)
            offset = 2
        } else if payload <= 0xFFFF {
            target[1] = 126
            target[2] = UInt8(truncatingIfNeeded: payload >> 8)
            target[3] = UInt8(truncatingIfNeeded: payload)
            offset = 4
        } else {
            target[1] = 127
            let length = UInt64(payload)
            for index in 0..<8 {
                target[2 + index] = UInt8(truncatingIfNeeded: length >> UInt64(56 - 8 * index))
            }
            offset = 10
        }
        prefix.withUTF8Buffer { bytes in
            UnsafeMutableRawBufferPointer(rebasing: target[offset..<(offset + bytes.count)])
                .copyMemory(from: UnsafeRawBufferPointer(bytes))
            offset += bytes.count
        }
        DecimalDigits.write(seq, digits: digits, into: target, at: offset)
        return offset + digits
    }

    @usableFromInline
    static func jsonSize(seq: UInt64) -> Int {
        prefix.utf8CodeUnitCount + DecimalDigits.count(seq)
    }
}
