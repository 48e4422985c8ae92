/// Why a connection must be failed; `closeCode` is what we tell the peer.
public enum WebSocketError: Error, Equatable, Sendable {
    // Frame layer.
    /// RSV1-3 set although no extension was negotiated.
    case reservedBitsSet
    case unknownOpcode(UInt8)
    /// A client frame without the mask bit (clients must mask, RFC 6455 5.1).
    case unmaskedFrame
    case fragmentedControlFrame
    /// A control frame announcing more than 125 payload bytes. Reported from the 7-bit
    /// length field (so 126 or 127 for extended lengths) without waiting for the rest.
    case controlFrameTooLong(Int)
    /// A 64-bit length with its most significant bit set.
    case lengthHighBitSet
    /// A frame announcing more payload than the decoder accepts.
    case frameTooLarge(Int)

    // Message layer.
    /// A continuation frame without a message in progress.
    case unexpectedContinuation
    /// A new text/binary frame while a fragmented message is still open.
    case expectedContinuation
    case invalidUTF8
    /// The fragments of one message add up to more than the limit.
    case messageTooLarge(Int)
    /// A close frame carrying a code that may not appear on the wire.
    case invalidCloseCode(UInt16)
    /// A close frame with a 1-byte payload (half a status code).
    case invalidClosePayload
    /// RSV1 (permessage-deflate's "compressed") on a control or continuation frame
    /// (RFC 7692 6.1: only a message's first frame carries it).
    case compressedBitMisplaced
    /// A compressed message that is not valid DEFLATE data (RFC 7692 8: 1007).
    case invalidCompressedData(String)
    /// A compressed message inflating to more than the message size limit.
    case inflatedMessageTooLarge(limit: Int)

    /// The status code to put in our close frame when failing for this error.
    public var closeCode: CloseCode {
        switch self {
        case .invalidUTF8, .invalidCompressedData: return .invalidPayload
        case .frameTooLarge, .messageTooLarge, .inflatedMessageTooLarge: return .messageTooBig
        case .reservedBitsSet, .unknownOpcode, .unmaskedFrame, .fragmentedControlFrame,
            .controlFrameTooLong, .lengthHighBitSet, .unexpectedContinuation,
            .expectedContinuation, .invalidCloseCode, .invalidClosePayload, .compressedBitMisplaced:
            return .protocolError
        }
    }
}
