import Buffers

/// A frame whose header arrived but whose payload is still in flight.
public struct PartialFrame: Sendable, Equatable {
    public let opcode: Opcode
    /// The RSV bits (4: RSV1, a compressed message's first frame).
    public let rsv: UInt8
    public let fin: Bool
    public let payloadLength: Int
    /// Payload bytes already in the buffer.
    public let availablePayload: Int

    public init(opcode: Opcode, rsv: UInt8 = 0, fin: Bool, payloadLength: Int, availablePayload: Int) {
        self.opcode = opcode
        self.rsv = rsv
        self.fin = fin
        self.payloadLength = payloadLength
        self.availablePayload = availablePayload
    }
}

extension FrameDecoder {
    /// Describes the incomplete frame at the front of `buffer`; nil when no complete
    /// header is there yet or the frame is already complete (then `next` returns it).
    /// Header errors are left to `next`.
    public func partialFrame(in buffer: ByteBuffer) -> PartialFrame? {
        buffer.withUnsafeReadableBytes { raw -> PartialFrame? in
            guard let header = try? parseHeader(raw) else { return nil }
            let available = raw.count - header.size
            guard available < header.payloadLength else { return nil }
            return PartialFrame(
                opcode: header.opcode, rsv: header.rsv, fin: header.fin, payloadLength: header.payloadLength,
                availablePayload: available)
        }
    }

    /// The unmasked payload bytes of the incomplete frame from `offset` to what has
    /// arrived, so a text frame can be checked while the rest is still on its way.
    public func partialPayload(in buffer: ByteBuffer, from offset: Int) -> [UInt8] {
        buffer.withUnsafeReadableBytes { raw -> [UInt8] in
            guard let header = try? parseHeader(raw) else { return [] }
            let start = header.size + offset
            let end = min(raw.count, header.size + header.payloadLength)
            guard start < end else { return [] }
            let source = UnsafeRawBufferPointer(rebasing: raw[start..<end])
            return [UInt8](unsafeUninitializedCapacity: source.count) { target, initialized in
                let destination = UnsafeMutableRawBufferPointer(target)
                if let key = header.maskingKey {
                    // The key's phase depends on the position in the payload.
                    let shift = offset & 3
                    let k = [key.0, key.1, key.2, key.3]
                    Masking.apply(
                        key: (k[shift], k[(shift + 1) & 3], k[(shift + 2) & 3], k[(shift + 3) & 3]),
                        from: source, to: destination)
                } else {
                    destination.copyMemory(from: source)
                }
                initialized = source.count
            }
        }
    }
}
