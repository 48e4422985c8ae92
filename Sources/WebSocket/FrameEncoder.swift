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

    /// Writes a header into the start of `target` (which must be large enough) and returns its size.
    @discardableResult
    static func writeHeader(
        opcode: Opcode, fin: Bool, payloadCount: Int,
        maskingKey: (UInt8, UInt8, UInt8, UInt8)?, into target: UnsafeMutableRawBufferPointer
    ) -> Int {
        let size = headerSize(payloadCount: payloadCount, masked: maskingKey != nil)
        precondition(target.count >= size)
        target[0] = (fin ? 0x80 : 0) | (opcode.rawValue & 0x0F)
        let maskBit: UInt8 = maskingKey != nil ? 0x80 : 0
        var offset = 2
        if payloadCount <= 125 {
            target[1] = maskBit | UInt8(payloadCount)
        } else if payloadCount <= 0xFFFF {
            target[1] = maskBit | 126
            target[2] = UInt8(truncatingIfNeeded: payloadCount >> 8)
            target[3] = UInt8(truncatingIfNeeded: payloadCount)
            offset = 4
        } else {
            target[1] = maskBit | 127
            let length = UInt64(payloadCount)
            for index in 0..<8 {
                target[2 + index] = UInt8(truncatingIfNeeded: length >> (56 - 8 * UInt64(index)))
            }
            offset = 10
        }
        if let key = maskingKey {
            target[offset] = key.0
            target[offset + 1] = key.1
            target[offset + 2] = key.2
            target[offset + 3] = key.3
            offset += 4
        }
        return offset
    }
}
