import Buffers

/// Builds frames. Server frames are unmasked (RFC 6455 5.1); masked ones are for
/// tests and the load generator, which play the client.
public enum FrameEncoder {
    /// Bytes before the payload: 2, plus 2 or 8 for extended lengths, plus 4 for a masking key.
    @inlinable
    public static func headerSize(payloadCount: Int, masked: Bool) -> Int {
        precondition(payloadCount >= 0)
        let lengthBytes = payloadCount <= 125 ? 0 : (payloadCount <= 0xFFFF ? 2 : 8)
        return 2 + lengthBytes + (masked ? 4 : 0)
    }

    /// Appends a server (unmasked) frame.
    public static func encode(opcode: Opcode, fin: Bool = true, payload: UnsafeRawBufferPointer, into buffer: inout ByteBuffer) {
        let size = headerSize(payloadCount: payload.count, masked: false)
        // One growth for header and payload together.
        buffer.reserveWritable(size + payload.count)
        _ = buffer.writeWithUnsafeMutableBytes(minimumWritable: size) { target in
            writeHeader(opcode: opcode, fin: fin, payloadCount: payload.count, maskingKey: nil, into: target)
        }
        buffer.writeBytes(payload)
    }

    /// Appends a server (unmasked) frame.
    public static func encode(opcode: Opcode, fin: Bool = true, payload: [UInt8], into buffer: inout ByteBuffer) {
        payload.withUnsafeBytes { encode(opcode: opcode, fin: fin, payload: $0, into: &buffer) }
    }

    /// A whole unmasked frame in one allocation, ready to be queued on many connections.
    public static func sharedFrame(opcode: Opcode, payload: UnsafeRawBufferPointer) -> SharedBytes {
        let size = headerSize(payloadCount: payload.count, masked: false)
        return SharedBytes(count: size + payload.count) { target in
            let written = writeHeader(opcode: opcode, fin: true, payloadCount: payload.count, maskingKey: nil, into: target)
            if payload.count > 0 {
                UnsafeMutableRawBufferPointer(rebasing: target[written...]).copyMemory(from: payload)
            }
        }
    }

    /// A whole unmasked frame in one allocation, ready to be queued on many connections.
    public static func sharedFrame(opcode: Opcode, payload: [UInt8]) -> SharedBytes {
        payload.withUnsafeBytes { sharedFrame(opcode: opcode, payload: $0) }
    }

    /// Appends a client (masked) frame.
    public static func encodeMasked(
        opcode: Opcode, fin: Bool = true, payload: UnsafeRawBufferPointer,
        maskingKey: (UInt8, UInt8, UInt8, UInt8), into buffer: inout ByteBuffer
    ) {
        let size = headerSize(payloadCount: payload.count, masked: true)
        _ = buffer.writeWithUnsafeMutableBytes(minimumWritable: size + payload.count) { target in
            let written = writeHeader(opcode: opcode, fin: fin, payloadCount: payload.count, maskingKey: maskingKey, into: target)
            let body = UnsafeMutableRawBufferPointer(rebasing: target[written..<(written + payload.count)])
            Masking.apply(key: maskingKey, from: payload, to: body)
            return written + payload.count
        }
    }

    /// Appends a client (masked) frame.
    public static func encodeMasked(
        opcode: Opcode, fin: Bool = true, payload: [UInt8],
        maskingKey: (UInt8, UInt8, UInt8, UInt8), into buffer: inout ByteBuffer
    ) {
        payload.withUnsafeBytes {
            encodeMasked(opcode: opcode, fin: fin, payload: $0, maskingKey: maskingKey, into: &buffer)
        }
    }

    /// Appends a client (masked) frame; `maskingKey` must hold exactly 4 bytes.
    public static func encodeMasked(
        opcode: Opcode, fin: Bool = true, payload: [UInt8], maskingKey: [UInt8], into buffer: inout ByteBuffer
    ) {
        precondition(maskingKey.count == 4, "a masking key is 4 bytes")
        encodeMasked(
            opcode: opcode, fin: fin, payload: payload,
            maskingKey: (maskingKey[0], maskingKey[1], maskingKey[2], maskingKey[3]), into: &buffer)
    }

    /// Close frame body: the 2-byte code, then the reason cut on a UTF-8 boundary so
    /// the whole body fits the 125-byte control frame limit.
    public static func closePayload(code: CloseCode, reason: String) -> [UInt8] {
        let maxReason = 125 - 2
        var reasonBytes = Array(reason.utf8)
        if reasonBytes.count > maxReason {
            var cut = maxReason
            // Back up over continuation bytes (10xxxxxx) so no code point is split.
            while cut > 0 && reasonBytes[cut] & 0xC0 == 0x80 { cut -= 1 }
            reasonBytes.removeSubrange(cut...)
        }
        var payload: [UInt8] = [UInt8(truncatingIfNeeded: code.rawValue >> 8), UInt8(truncatingIfNeeded: code.rawValue)]
        payload.append(contentsOf: reasonBytes)
        return payload
    }

    /// Writes an unmasked (server) header for a payload of `payloadCount` bytes at the
    /// start of `target` and returns its size (2, 4 or 10 bytes: the length takes the 7-,
    /// 16- or 64-bit form RFC 6455 5.2 requires). Public and inlinable because the
    /// fan-out writes one per client per tick (`PriceUpdateHead`): inlined, the length
    /// form folds into the caller's own size arithmetic. `@inline(__always)`: left to
    /// itself the optimizer kept it out of line there, 32 instructions a call.
    /// `compressed` sets RSV1: the first frame of a permessage-deflate compressed message.
    @inlinable @inline(__always) @discardableResult
    public static func writeHeader(
        opcode: Opcode, fin: Bool = true, compressed: Bool = false, payloadCount: Int,
        into target: UnsafeMutableRawBufferPointer
    ) -> Int {
        // Each length form checks its own room: no second pass through `headerSize`.
        precondition(payloadCount >= 0 && target.count >= 2, "negative payload length or no room for the header")
        target[0] = (fin ? 0x80 : 0) | (compressed ? 0x40 : 0) | (opcode.rawValue & 0x0F)
        if payloadCount <= 125 {
            target[1] = UInt8(truncatingIfNeeded: payloadCount)
            return 2
        }
        if payloadCount <= 0xFFFF {
            precondition(target.count >= 4, "target too small for the frame header")
            target[1] = 126
            target[2] = UInt8(truncatingIfNeeded: payloadCount >> 8)
            target[3] = UInt8(truncatingIfNeeded: payloadCount)
            return 4
        }
        precondition(target.count >= 10, "target too small for the frame header")
        target[1] = 127
        target.storeBytes(of: UInt64(payloadCount).bigEndian, toByteOffset: 2, as: UInt64.self)
        return 10
    }

    /// Writes a header, masked when `maskingKey` is given, into the start of `target`
    /// (which must be large enough) and returns its size: the unmasked header with the
    /// MASK bit set and the key after the length.
    @discardableResult
    static func writeHeader(
        opcode: Opcode, fin: Bool, payloadCount: Int,
        maskingKey: (UInt8, UInt8, UInt8, UInt8)?, into target: UnsafeMutableRawBufferPointer
    ) -> Int {
        guard let key = maskingKey else {
            return writeHeader(opcode: opcode, fin: fin, payloadCount: payloadCount, into: target)
        }
        precondition(target.count >= headerSize(payloadCount: payloadCount, masked: true))
        let offset = writeHeader(opcode: opcode, fin: fin, payloadCount: payloadCount, into: target)
        target[1] |= 0x80
        target[offset] = key.0
        target[offset + 1] = key.1
        target[offset + 2] = key.2
        target[offset + 3] = key.3
        return offset + 4
    }
}
