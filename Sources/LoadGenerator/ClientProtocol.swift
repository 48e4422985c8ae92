import Buffers
import Deflate
import HTTP1
import WebSocket

/// The client side of one connection, sans I/O: the upgrade request, the 101 check,
/// then server frames read in place (`FrameDecoder.frame(in:)`) from whatever bytes
/// the shell has. Pongs and
/// the close echo go to a reply buffer the shell sends.
public struct ClientProtocol {
    public enum State: Equatable, Sendable {
        case handshaking
        case open
        case closed
    }

    public enum Event: Equatable, Sendable {
        case none
        /// The 101 arrived and checked out; send the subscription now.
        case opened
        case failed(String)
        /// The server sent a close frame (code 1005 when it carried none); the echo is queued.
        case closed(code: UInt16)
    }

    public private(set) var state: State = .handshaking
    /// The Sec-WebSocket-Key sent (base64 of 16 random bytes).
    public let key: String
    let expectedAccept: String
    public private(set) var lastSeq: UInt64 = 0
    public private(set) var closeCode: UInt16?
    private var maskState: UInt64
    /// Offer permessage-deflate (`stockpush bench --deflate`).
    public let offersDeflate: Bool
    /// Inflates the server's compressed frames once the server agreed (made at the 101).
    private var inflater: MessageInflater?
    /// The last compressed frame, inflated, for the scanner.
    private var inflated: [UInt8] = []
    /// Largest response head accepted before giving up.
    static let maxHeadBytes = 16 * 1024
    /// The offer: `server_max_window_bits=9` lets the inflater keep a 512-byte window.
    static let deflateOffer = "Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=9; client_max_window_bits\r\n"

    public init(nonce: [UInt8], maskSeed: UInt64, deflate: Bool = false) {
        precondition(nonce.count == 16, "Sec-WebSocket-Key is 16 bytes")
        key = Base64.encode(nonce)
        expectedAccept = WebSocketHandshake.acceptValue(forKey: key)
        maskState = maskSeed | 1
        offersDeflate = deflate
    }

    public init<G: RandomNumberGenerator>(using generator: inout G, deflate: Bool = false) {
        var nonce = [UInt8](repeating: 0, count: 16)
        for index in nonce.indices { nonce[index] = UInt8.random(in: .min ... .max, using: &generator) }
        self.init(nonce: nonce, maskSeed: generator.next(), deflate: deflate)
    }

    /// Whether the server agreed to compress (permessage-deflate).
    public var isCompressed: Bool { inflater != nil }

    /// The upgrade request; `bearer` adds `Authorization: Bearer <token>`.
    public func handshakeRequest(url: WebSocketURL, bearer: String? = nil) -> [UInt8] {
        let authorization = bearer.map { "Authorization: Bearer \($0)\r\n" } ?? ""
        let head =
            "GET \(url.path) HTTP/1.1\r\nHost: \(url.hostHeader)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: \(key)\r\nSec-WebSocket-Version: 13\r\n\(authorization)"
            + (offersDeflate ? Self.deflateOffer : "") + "\r\n"
        return Array(head.utf8)
    }

    /// A masked frame (subscribe messages, pongs, the close echo).
    public mutating func appendFrame(opcode: Opcode, payload: UnsafeRawBufferPointer, to output: inout ByteBuffer) {
        FrameEncoder.encodeMasked(opcode: opcode, payload: payload, maskingKey: nextMask(), into: &output)
    }

    public mutating func appendText(_ text: String, to output: inout ByteBuffer) {
        var text = text
        text.withUTF8 { appendFrame(opcode: .text, payload: UnsafeRawBufferPointer($0), to: &output) }
    }

    private mutating func nextMask() -> (UInt8, UInt8, UInt8, UInt8) {
        // xorshift64: masking keys need to be unpredictable to proxies, not secret.
        maskState ^= maskState << 13
        maskState ^= maskState >> 7
        maskState ^= maskState << 17
        let word = UInt32(truncatingIfNeeded: maskState)
        return (
            UInt8(truncatingIfNeeded: word), UInt8(truncatingIfNeeded: word >> 8), UInt8(truncatingIfNeeded: word >> 16),
            UInt8(truncatingIfNeeded: word >> 24)
        )
    }

    /// Consumes what it can of `bytes`: the response head, then complete frames.
    /// Returns how many bytes were used (the rest is an incomplete unit to keep) and
    /// the first state change, after which it stops so the shell can react.
    /// `receivedAt` is the wall-clock time of the read, microseconds since the epoch.
    public mutating func receive(
        _ bytes: UnsafeRawBufferPointer, receivedAt: Int64, stats: inout ReceiveStats, reply: inout ByteBuffer
    ) -> (consumed: Int, event: Event) {
        switch state {
        case .closed:
            return (bytes.count, .none)
        case .handshaking:
            return receiveHandshake(bytes)
        case .open:
            return receiveFrames(bytes, receivedAt: receivedAt, stats: &stats, reply: &reply)
        }
    }

    private mutating func receiveHandshake(_ bytes: UnsafeRawBufferPointer) -> (consumed: Int, event: Event) {
        var end = -1
        var index = 3
        while index < bytes.count {
            if bytes[index] == 10 && bytes[index - 1] == 13 && bytes[index - 2] == 10 && bytes[index - 3] == 13 {
                end = index + 1
                break
            }
            index += 1
        }
        guard end > 0 else {
            if bytes.count > Self.maxHeadBytes { return fail("response head over \(Self.maxHeadBytes) bytes") }
            return (0, .none)
        }
        let response: HTTPClientResponse
        do {
            // The head alone: a refusal (429, 401, 408, 503) carries a body we need not wait for.
            guard let parsed = try HTTPResponseParser.parseHead(Array(bytes[0..<end])) else {
                return fail("incomplete response head")
            }
            response = parsed.response
        } catch {
            return fail("bad response: \(error)")
        }
        guard response.status == 101 else { return fail("HTTP \(response.status)") }
        guard response.headers.containsToken("websocket", in: "Upgrade") else { return fail("101 without Upgrade: websocket") }
        guard response.headers["Sec-WebSocket-Accept"] == expectedAccept else { return fail("wrong Sec-WebSocket-Accept") }
        if let agreed = response.headers["Sec-WebSocket-Extensions"] {
            guard offersDeflate, agreed.hasPrefix(PerMessageDeflate.extensionName) else {
                return fail("unasked extension \(agreed)")
            }
            // The window the server compresses with: what it answered, else the largest.
            inflater = MessageInflater(windowBits: agreed.contains("server_max_window_bits=9") ? 9 : 15)
        }
        state = .open
        return (end, .opened)
    }

    private mutating func fail(_ reason: String) -> (consumed: Int, event: Event) {
        state = .closed
        return (0, .failed(reason))
    }

    private mutating func receiveFrames(
        _ bytes: UnsafeRawBufferPointer, receivedAt: Int64, stats: inout ReceiveStats, reply: inout ByteBuffer
    ) -> (consumed: Int, event: Event) {
        let decoder = Self.decoder
        var offset = 0
        while offset < bytes.count {
            let view: FrameView
            do {
                guard let complete = try decoder.frame(in: UnsafeRawBufferPointer(rebasing: bytes[offset...]))
                else { break }
                view = complete
            } catch {
                return fail("bad frame: \(error)")
            }
            // Servers never mask (RFC 6455 5.1); the decoder, shared with servers, allows it here.
            if view.header.maskingKey != nil { return fail("masked server frame") }
            // RSV1 only where compression was agreed (the decoder lets it through for that).
            if view.header.rsv != 0 && inflater == nil { return fail("bad frame: \(WebSocketError.reservedBitsSet)") }
            offset += view.size
            let payload = view.payload
            // On the raw value: Opcode's `==` is a call from this module, the UInt8's is not.
            // The loop body stays in this function: as a helper it was not inlined.
            switch view.header.opcode.rawValue {
            case Opcode.text.rawValue:
                stats.frames &+= 1
                stats.payloadBytes &+= UInt64(payload.count)
                guard view.header.fin else {
                    stats.otherMessages &+= 1  // fragmented: the server never does this
                    continue
                }
                if view.header.rsv != 0 {
                    guard inflate(payload) else { return fail("bad compressed frame") }
                    // Taken out of self while `scan` (mutating) reads it; its storage is kept.
                    var message: [UInt8] = []
                    swap(&message, &inflated)
                    message.withUnsafeBytes { scan($0, receivedAt: receivedAt, stats: &stats) }
                    swap(&message, &inflated)
                } else {
                    scan(payload, receivedAt: receivedAt, stats: &stats)
                }
            case Opcode.continuation.rawValue, Opcode.binary.rawValue:
                stats.frames &+= 1
                stats.payloadBytes &+= UInt64(payload.count)
                stats.otherMessages &+= 1
            case Opcode.ping.rawValue:
                stats.pings &+= 1
                appendFrame(opcode: .pong, payload: payload, to: &reply)
            case Opcode.close.rawValue:
                return (offset, receiveClose(payload, reply: &reply))
            default:
                break  // pong; the decoder rejected unknown opcodes
            }
        }
        return (offset, .none)
    }

    /// Counts a complete text message: a price update (seq, latency) or another message.
    private mutating func scan(_ payload: UnsafeRawBufferPointer, receivedAt: Int64, stats: inout ReceiveStats) {
        let scanned = PriceFrameScanner.scan(payload)
        if case .other = scanned, PriceFrameScanner.isSubscribed(payload) { stats.subscribedAcks &+= 1 }
        stats.record(scanned, receivedAt: receivedAt, lastSeq: &lastSeq)
    }

    /// Inflates a compressed frame into `inflated`; false when it is not valid.
    private mutating func inflate(_ payload: UnsafeRawBufferPointer) -> Bool {
        guard let inflater else { return false }
        inflated.removeAll(keepingCapacity: true)
        do {
            try inflater.inflate(payload, into: &inflated, limit: Int(Int32.max))
            try inflater.finishMessage(into: &inflated, limit: Int(Int32.max))
            return true
        } catch {
            return false
        }
    }

    /// Server frames are read with the WebSocket module's decoder, in place; only the
    /// client-side checks are added (no masked frames). Payloads up to 2 GiB. RSV1 is
    /// let through and judged here: only a connection that agreed to compression may see it.
    private static let decoder = FrameDecoder(maxPayloadSize: Int(Int32.max), requireMask: false, allowsRSV1: true)

    /// The server's close: remember its code (1005 when it sent none) and echo it.
    private mutating func receiveClose(_ payload: UnsafeRawBufferPointer, reply: inout ByteBuffer) -> Event {
        let code: UInt16 = payload.count >= 2 ? UInt16(payload[0]) << 8 | UInt16(payload[1]) : 1005
        closeCode = code
        state = .closed
        let echo: [UInt8] = payload.count >= 2 ? [payload[0], payload[1]] : []
        echo.withUnsafeBytes { appendFrame(opcode: .close, payload: $0, to: &reply) }
        return .closed(code: code)
    }
}
