/// A complete frame as it lies in a receive buffer: its header and its payload bytes,
/// not copied (and still masked when the header carries a masking key).
public struct FrameView {
    public let header: FrameDecoder.Header
    public let payload: UnsafeRawBufferPointer

    @inlinable
    init(header: FrameDecoder.Header, payload: UnsafeRawBufferPointer) {
        self.header = header
        self.payload = payload
    }

    /// Bytes the frame takes in the buffer: header and payload.
    @inlinable public var size: Int { header.size + header.payloadLength }
}

extension FrameDecoder {
    /// The complete frame at the start of `raw`, read in place, or `nil` when more bytes
    /// are needed. For readers that look at a payload once and drop it (the load
    /// generator scans `seq` and `timestamp` out of each update) and need no copy; the
    /// same header checks as `next`, which copies and unmasks the payload through it.
    /// Always inlined, like `parseHeader`: out of line it cost the generator 84
    /// instructions a frame, most of them moving the header in and out of a call.
    @inlinable @inline(__always)
    public func frame(in raw: UnsafeRawBufferPointer) throws(WebSocketError) -> FrameView? {
        guard let header = try parseHeader(raw) else { return nil }
        // parseHeader caps payloadLength at maxPayloadSize (≤ Int.max / 2): no overflow.
        guard raw.count - header.size >= header.payloadLength else { return nil }
        let payload = UnsafeRawBufferPointer(rebasing: raw[header.size..<(header.size + header.payloadLength)])
        return FrameView(header: header, payload: payload)
    }
}
