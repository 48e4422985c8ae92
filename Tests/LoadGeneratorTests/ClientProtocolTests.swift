import Buffers
import Retry
import Testing
import WebSocket

@testable import LoadGenerator

@Suite struct ClientProtocolTests {
    static let nonce: [UInt8] = Array(0..<16)

    /// Everything a server sends on one connection: 101, connected, a ping, price
    /// updates (a snapshot, a 16-bit-length frame, a seq gap) and a close 1001.
    static func stream(key: String) -> [UInt8] {
        var bytes = Fixtures.switchingProtocols(forKey: key)
        bytes += Fixtures.text(Fixtures.connected)
        bytes += Fixtures.text(Fixtures.priceUpdate(seq: 1, snapshot: true, quotes: 3))
        bytes += Fixtures.frame(.ping, [1, 2, 3])
        bytes += Fixtures.text(Fixtures.priceUpdate(seq: 2, quotes: 1))
        bytes += Fixtures.text(Fixtures.priceUpdate(seq: 5, quotes: 40))
        bytes += Fixtures.frame(.close, [0x03, 0xE9] + Array("going away".utf8))
        return bytes
    }

    struct Outcome: Equatable {
        var events: [ClientProtocol.Event] = []
        var stats = ReceiveStats()
        var reply: [UInt8] = []
        var leftover = 0
    }

    /// Feeds `chunks` the way the I/O shell does: append, consume, keep the tail.
    static func feed(_ chunks: [ArraySlice<UInt8>], receivedAt: Int64) -> Outcome {
        var proto = ClientProtocol(nonce: nonce, maskSeed: 7)
        var outcome = Outcome()
        var reply = ByteBuffer()
        var pending: [UInt8] = []
        for chunk in chunks {
            pending += chunk
            while proto.state != .closed && !pending.isEmpty {
                let (consumed, event) = pending.withUnsafeBytes {
                    proto.receive($0, receivedAt: receivedAt, stats: &outcome.stats, reply: &reply)
                }
                pending.removeFirst(consumed)
                if event == .none { break }
                outcome.events.append(event)
            }
        }
        outcome.reply = reply.readableBytesArray
        outcome.leftover = pending.count
        return outcome
    }

    @Test func wholeStreamIsCountedAndAnswered() {
        let key = ClientProtocol(nonce: Self.nonce, maskSeed: 7).key
        let bytes = Self.stream(key: key)
        let outcome = Self.feed([bytes[...]], receivedAt: Fixtures.timestampMicros + 1500)
        #expect(outcome.events == [.opened, .closed(code: 1001)])
        #expect(outcome.stats.frames == 4)
        #expect(outcome.stats.priceUpdates == 3)
        #expect(outcome.stats.snapshots == 1)
        #expect(outcome.stats.otherMessages == 1)
        #expect(outcome.stats.seqGaps == 1)
        #expect(outcome.stats.seqMissing == 2)
        #expect(outcome.stats.pings == 1)
        #expect(outcome.stats.latency.total == 3)
        #expect(outcome.stats.latency.percentile(50) == 1500)
        // A masked pong echoing the ping payload, then a masked close echoing 1001.
        #expect(outcome.reply.count == (2 + 4 + 3) + (2 + 4 + 2))
        #expect(outcome.reply[0] == 0x8A && outcome.reply[1] == 0x80 | 3)
        let key4 = Array(outcome.reply[2..<6])
        #expect((0..<3).map { outcome.reply[6 + $0] ^ key4[$0] } == [1, 2, 3])
        #expect(outcome.reply[9] == 0x88 && outcome.reply[10] == 0x80 | 2)
        #expect(outcome.leftover == 0)
    }

    @Test func everySplitPointGivesTheSameResult() {
        let key = ClientProtocol(nonce: Self.nonce, maskSeed: 7).key
        let bytes = Self.stream(key: key)
        let whole = Self.feed([bytes[...]], receivedAt: Fixtures.timestampMicros + 1500)
        for split in 1..<bytes.count {
            let parts = Self.feed([bytes[..<split], bytes[split...]], receivedAt: Fixtures.timestampMicros + 1500)
            #expect(parts.stats == whole.stats, "split at \(split)")
            #expect(parts.events == whole.events, "split at \(split)")
        }
        // One byte at a time.
        let drip = Self.feed(bytes.indices.map { bytes[$0...$0] }, receivedAt: Fixtures.timestampMicros + 1500)
        #expect(drip.stats == whole.stats)
        #expect(drip.events == whole.events)
    }

    /// Frames the decoder refuses, and masked frames (a server never masks), fail the
    /// connection with a reason; the frames before them still count.
    @Test(
        arguments: [
            ([0xC1, 0x00], "bad frame: reservedBitsSet"), ([0x83, 0x00], "bad frame: unknownOpcode(3)"),
            ([0x09, 0x00], "bad frame: fragmentedControlFrame"), ([0x81, 0x81, 1, 2, 3, 4, 0x61], "masked server frame"),
            ([0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 0], "bad frame: lengthHighBitSet"),
        ] as [([UInt8], String)])
    func badServerFrameFails(frame: [UInt8], reason: String) {
        let key = ClientProtocol(nonce: Self.nonce, maskSeed: 7).key
        let bytes =
            Fixtures.switchingProtocols(forKey: key) + Fixtures.text(Fixtures.priceUpdate(seq: 1)) + frame
            + Fixtures.text(Fixtures.priceUpdate(seq: 2))
        let outcome = Self.feed([bytes[...]], receivedAt: Fixtures.timestampMicros)
        #expect(outcome.events == [.opened, .failed(reason)])
        #expect(outcome.stats.priceUpdates == 1)
    }

    /// A frame split over reads waits for its rest: nothing consumed, nothing counted.
    @Test func incompleteFrameIsKept() {
        let key = ClientProtocol(nonce: Self.nonce, maskSeed: 7).key
        let update = Fixtures.text(Fixtures.priceUpdate(seq: 1, quotes: 2))
        let bytes = Fixtures.switchingProtocols(forKey: key) + update.dropLast(1)
        let outcome = Self.feed([bytes[...]], receivedAt: Fixtures.timestampMicros)
        #expect(outcome.events == [.opened])
        #expect(outcome.stats.frames == 0)
        #expect(outcome.leftover == update.count - 1)
    }

    @Test func handshakeIsVerified() {
        let proto = ClientProtocol(nonce: Self.nonce, maskSeed: 7)
        #expect(proto.key == "AAECAwQFBgcICQoLDA0ODw==")
        let request = String(
            decoding: proto.handshakeRequest(url: WebSocketURL("ws://127.0.0.1:9100/ws/stock/prices")!), as: UTF8.self)
        #expect(request.hasPrefix("GET /ws/stock/prices HTTP/1.1\r\nHost: 127.0.0.1:9100\r\n"))
        #expect(request.contains("Sec-WebSocket-Key: AAECAwQFBgcICQoLDA0ODw==\r\n"))
        #expect(request.hasSuffix("\r\n\r\n"))

        let wrongKey = Fixtures.switchingProtocols(forKey: "dGhlIHNhbXBsZSBub25jZQ==")
        #expect(Self.feed([wrongKey[...]], receivedAt: 0).events == [.failed("wrong Sec-WebSocket-Accept")])
        let refused = Array("HTTP/1.1 429 Too Many Requests\r\nContent-Length: 0\r\n\r\n".utf8)
        #expect(Self.feed([refused[...]], receivedAt: 0).events == [.failed("HTTP 429")])
        // As the server refuses: with a JSON body, reported by its status, not as an incomplete head.
        let refusedWithBody = Array(
            "HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nContent-Length: 59\r\n\r\n{\"error\":\"too_many_connections\""
                .utf8)
        #expect(Self.feed([refusedWithBody[...]], receivedAt: 0).events == [.failed("HTTP 429")])
    }

    @Test func randomKeysDiffer() {
        var generator = SplitMix64(seed: 1)
        let a = ClientProtocol(using: &generator)
        let b = ClientProtocol(using: &generator)
        #expect(a.key != b.key)
        #expect(Base64.decode(a.key)?.count == 16)
    }

    @Test func subscribeIsAMaskedTextFrame() {
        var proto = ClientProtocol(nonce: Self.nonce, maskSeed: 7)
        var out = ByteBuffer()
        let text = SubscribeTemplate(BenchConfiguration.defaultTemplate, topics: 10).expand(index: 3)
        proto.appendText(text, to: &out)
        let bytes = out.readableBytesArray
        #expect(bytes[0] == 0x81)
        #expect(bytes[1] == 0x80 | UInt8(text.utf8.count))
        let mask = Array(bytes[2..<6])
        let payload = bytes[6...].enumerated().map { $0.element ^ mask[$0.offset & 3] }
        #expect(String(decoding: payload, as: UTF8.self) == text)
    }
}
