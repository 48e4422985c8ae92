import Buffers
import Deflate
import Testing
import WebSocket

@testable import LoadGenerator

/// `stockpush bench --deflate`: the offer, the server's agreement, compressed frames
/// inflated before they are scanned.
@Suite struct CompressedStreamTests {
    static let nonce: [UInt8] = Array(0..<16)
    static let agreed = ("Sec-WebSocket-Extensions", "permessage-deflate; server_no_context_takeover; server_max_window_bits=9")

    static func switchingProtocols(key: String, extensions: [(String, String)]) -> [UInt8] {
        WebSocketHandshake.switchingProtocolsResponse(
            acceptValue: WebSocketHandshake.acceptValue(forKey: key), extraHeaders: extensions)
    }

    static func compressed(_ message: String, deflater: MessageDeflater) -> [UInt8] {
        var text = message
        return text.withUTF8 {
            FrameEncoder.compressedFrame(opcode: .text, payload: UnsafeRawBufferPointer($0), deflater: deflater)!.array
        }
    }

    static func feed(_ proto: inout ClientProtocol, _ bytes: [UInt8]) -> ([ClientProtocol.Event], ReceiveStats) {
        var stats = ReceiveStats()
        var reply = ByteBuffer()
        var events: [ClientProtocol.Event] = []
        var pending = bytes
        while proto.state != .closed && !pending.isEmpty {
            let (consumed, event) = pending.withUnsafeBytes {
                proto.receive($0, receivedAt: Fixtures.timestampMicros + 1000, stats: &stats, reply: &reply)
            }
            pending.removeFirst(consumed)
            if event == .none { break }
            events.append(event)
        }
        return (events, stats)
    }

    @Test func theOfferGoesOutOnlyWithDeflate() {
        let url = WebSocketURL("ws://127.0.0.1:8000/ws/stock/prices")!
        let offer = String(
            decoding: ClientProtocol(nonce: Self.nonce, maskSeed: 7, deflate: true).handshakeRequest(url: url), as: UTF8.self)
        #expect(offer.contains("Sec-WebSocket-Extensions: permessage-deflate"))
        let plain = String(decoding: ClientProtocol(nonce: Self.nonce, maskSeed: 7).handshakeRequest(url: url), as: UTF8.self)
        #expect(!plain.contains("Sec-WebSocket-Extensions"))
    }

    @Test func compressedPriceUpdatesAreInflatedAndCounted() {
        var proto = ClientProtocol(nonce: Self.nonce, maskSeed: 7, deflate: true)
        let deflater = MessageDeflater()
        var bytes = Self.switchingProtocols(key: proto.key, extensions: [Self.agreed])
        bytes += Self.compressed(Fixtures.connected, deflater: deflater)
        bytes += Self.compressed(Fixtures.priceUpdate(seq: 1, snapshot: true, quotes: 30), deflater: deflater)
        bytes += Fixtures.text(Fixtures.priceUpdate(seq: 2, quotes: 1))  // a server may send any message plain
        bytes += Self.compressed(Fixtures.priceUpdate(seq: 3, quotes: 30), deflater: deflater)
        let (events, stats) = Self.feed(&proto, bytes)
        #expect(events == [.opened])
        #expect(proto.isCompressed)
        #expect(stats.priceUpdates == 3 && stats.snapshots == 1 && stats.seqGaps == 0 && stats.malformed == 0)
    }

    @Test func anUnaskedExtensionOrStrayRSV1Fails() {
        var plain = ClientProtocol(nonce: Self.nonce, maskSeed: 7)
        let (refused, _) = Self.feed(&plain, Self.switchingProtocols(key: plain.key, extensions: [Self.agreed]))
        #expect(refused.count == 1 && refused[0] != .opened)

        var declined = ClientProtocol(nonce: Self.nonce, maskSeed: 7, deflate: true)
        var bytes = Self.switchingProtocols(key: declined.key, extensions: [])
        bytes += Self.compressed(Fixtures.priceUpdate(seq: 1, quotes: 30), deflater: MessageDeflater())
        let (events, _) = Self.feed(&declined, bytes)
        #expect(events == [.opened, .failed("bad frame: reservedBitsSet")])
    }
}
