import Buffers

@testable import WebSocket

/// Lowercase hex, for comparing digests with published vectors.
func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef")
    var result = ""
    for byte in bytes {
        result.append(digits[Int(byte >> 4)])
        result.append(digits[Int(byte & 0x0F)])
    }
    return result
}

/// A client frame as a byte array, using a fixed masking key.
func maskedFrame(
    _ opcode: Opcode, fin: Bool = true, _ payload: [UInt8],
    key: [UInt8] = [0x37, 0xFA, 0x21, 0x3D]
) -> [UInt8] {
    var buffer = ByteBuffer()
    FrameEncoder.encodeMasked(opcode: opcode, fin: fin, payload: payload, maskingKey: key, into: &buffer)
    return buffer.readableBytesArray
}

/// Decodes every complete frame currently in `buffer`.
func decodeAll(_ decoder: inout FrameDecoder, _ buffer: inout ByteBuffer) throws(WebSocketError) -> [Frame] {
    var frames: [Frame] = []
    while let frame = try decoder.next(&buffer) { frames.append(frame) }
    return frames
}

/// The error a decode of `bytes` throws, or nil if it throws none.
func decodeError(_ bytes: [UInt8], maxPayloadSize: Int = 1 << 20, requireMask: Bool = true) -> WebSocketError? {
    var decoder = FrameDecoder(maxPayloadSize: maxPayloadSize, requireMask: requireMask)
    var buffer = ByteBuffer(bytes: bytes)
    do {
        _ = try decodeAll(&decoder, &buffer)
        return nil
    } catch {
        return error
    }
}

/// `validator.feed(bytes)` as a free function: `#expect` cannot call a mutating method on its receiver directly.
func feed(_ validator: inout UTF8Validator, _ bytes: [UInt8]) -> Bool {
    validator.feed(bytes)
}
