import Buffers

/// Decodes frames from a receive buffer without doing any I/O.
///
/// Stateless between calls on purpose: the header (at most 14 bytes) is re-parsed
/// on each call, so a partial frame simply stays in the buffer until it completes,
/// and every header error is reported as soon as the bytes that reveal it arrive,
/// long before a huge payload would have to be buffered.
public struct FrameDecoder: Sendable {
    /// Largest payload a single frame may announce.
    public let maxPayloadSize: Int
    /// Servers require masked frames (RFC 6455 5.1); a client decoding server frames does not.
    public let requireMask: Bool
    /// permessage-deflate was negotiated: RSV1 may be set (which frames may carry it is
    /// the connection state's rule, RFC 7692 6); RSV2 and RSV3 never.
    public let allowsRSV1: Bool

    public init(maxPayloadSize: Int, requireMask: Bool = true, allowsRSV1: Bool = false) {
        // header size + payload length must not overflow when a frame is measured.
        precondition(maxPayloadSize >= 0 && maxPayloadSize <= Int.max / 2, "maxPayloadSize out of range")
        self.maxPayloadSize = maxPayloadSize
        self.requireMask = requireMask
        self.allowsRSV1 = allowsRSV1
    }

    /// Returns the next frame and consumes its bytes, or `nil` (consuming nothing) if it is not complete yet.
    public mutating func next(_ buffer: inout ByteBuffer) throws(WebSocketError) -> Frame? {
        let decoded: (Frame, Int)? = try buffer.withUnsafeReadableBytes { (raw) throws(WebSocketError) -> (Frame, Int)? in
            guard let view = try frame(in: raw) else { return nil }
            let header = view.header
            let payload = [UInt8](unsafeUninitializedCapacity: header.payloadLength) { target, initialized in
                let destination = UnsafeMutableRawBufferPointer(target)
                if let key = header.maskingKey {
                    Masking.apply(key: key, from: view.payload, to: destination)
                } else if header.payloadLength > 0 {
                    destination.copyMemory(from: view.payload)
                }
                initialized = header.payloadLength
            }
            let frame = Frame(fin: header.fin, rsv: header.rsv, opcode: header.opcode, payload: payload)
            return (frame, view.size)
        }
        guard let (frame, consumed) = decoded else { return nil }
        buffer.moveReaderIndex(by: consumed)
        return frame
    }

    /// A fully parsed frame header.
    public struct Header: Sendable {
        public let fin: Bool
        /// The three RSV bits as a value in 0...7 (0, or 4 for RSV1 when `allowsRSV1`).
        public let rsv: UInt8
        public let opcode: Opcode
        /// Present when the MASK bit is set; the payload on the wire is then masked.
        public let maskingKey: (UInt8, UInt8, UInt8, UInt8)?
        /// Bytes before the payload.
        public let size: Int
        public let payloadLength: Int

        @usableFromInline
        init(
            fin: Bool, rsv: UInt8, opcode: Opcode, maskingKey: (UInt8, UInt8, UInt8, UInt8)?, size: Int,
            payloadLength: Int
        ) {
            self.fin = fin
            self.rsv = rsv
            self.opcode = opcode
            self.maskingKey = maskingKey
            self.size = size
            self.payloadLength = payloadLength
        }
    }

    /// Validates whatever part of the header is present; `nil` when more bytes are needed.
    /// Inlinable, and always inlined: the load generator parses every frame it receives
    /// through it, and left out of line it cost 64 instructions a frame there.
    @inlinable @inline(__always)
    public func parseHeader(_ raw: UnsafeRawBufferPointer) throws(WebSocketError) -> Header? {
        guard raw.count >= 1 else { return nil }
        let first = raw[0]
        let fin = first & 0x80 != 0
        let rsv = (first >> 4) & 0x07
        let opcode = Opcode(rawValue: first & 0x0F)
        guard rsv == 0 || (rsv == 4 && allowsRSV1) else { throw .reservedBitsSet }
        guard opcode.isKnown else { throw .unknownOpcode(opcode.rawValue) }
        guard fin || !opcode.isControl else { throw .fragmentedControlFrame }

        guard raw.count >= 2 else { return nil }
        let second = raw[1]
        let masked = second & 0x80 != 0
        guard masked || !requireMask else { throw .unmaskedFrame }
        let shortLength = Int(second & 0x7F)
        if opcode.isControl && shortLength > 125 {
            // The exact length is irrelevant: any extended length exceeds 125.
            throw .controlFrameTooLong(shortLength)
        }

        var size = 2
        let payloadLength: Int
        switch shortLength {
        case 126:
            guard raw.count >= 4 else { return nil }
            payloadLength = Int(raw[2]) << 8 | Int(raw[3])
            size = 4
        case 127:
            guard raw.count >= 10 else { return nil }
            var length: UInt64 = 0
            for index in 2..<10 { length = length << 8 | UInt64(raw[index]) }
            guard length & (1 << 63) == 0 else { throw .lengthHighBitSet }
            guard length <= UInt64(Int.max) else { throw .frameTooLarge(Int.max) }
            payloadLength = Int(length)
            size = 10
        default:
            // Non-minimal encodings (e.g. 5 as a 16-bit length) are legal per RFC 6455 and accepted.
            payloadLength = shortLength
        }
        guard payloadLength <= maxPayloadSize else { throw .frameTooLarge(payloadLength) }

        var maskingKey: (UInt8, UInt8, UInt8, UInt8)?
        if masked {
            guard raw.count >= size + 4 else { return nil }
            maskingKey = (raw[size], raw[size + 1], raw[size + 2], raw[size + 3])
            size += 4
        }
        return Header(
            fin: fin, rsv: rsv, opcode: opcode, maskingKey: maskingKey,
            size: size, payloadLength: payloadLength)
    }
}
