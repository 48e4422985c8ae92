import Buffers
import JSON
import Market
import PushProtocol
import Testing
import WebSocket

@Suite struct PriceUpdateTests {
    @Test func quoteFragmentBytes() {
        var writer = JSONWriter()
        let fragment = QuoteFragmentEncoder.encode(Support.moutaiQuote, stock: Support.moutai, writer: &writer)
        #expect(fragment.code == "600519")
        #expect(
            Support.text(fragment.json.array)
                == #"{"code":"600519","name":"贵州茅台","market":"SH","price":1850.50,"prev_close":1805.40,"#
                + #""change":45.10,"change_percent":2.50,"volume":12345678,"turnover":22845000000.0,"#
                + #""quote_time":"2026-11-21T10:29:59.000000Z"}"#)
        #expect(Support.json(fragment.json.array) == Support.moutaiJSON)
    }

    /// A stock's catalog members encoded beforehand give the same bytes as encoding them
    /// per quote, also for names that need escaping.
    @Test func aPrefixEncodedOnceGivesTheSameFragment() {
        var writer = JSONWriter()
        var odd = Support.moutai
        odd.name = "Say \"hi\"\\ \u{1}茅台"
        let prefix = QuoteFragmentPrefix(code: Support.moutaiQuote.code, stock: odd)
        #expect(Support.text(prefix.bytes).hasPrefix(#""code":"600519","name":"Say \"hi\"\\ \u0001茅台","#))
        let direct = QuoteFragmentEncoder.encode(Support.moutaiQuote, stock: odd, stale: true, writer: &writer).json.array
        let prefixed = QuoteFragmentEncoder.encode(
            Support.moutaiQuote, stock: odd, prefix: prefix, stale: true, writer: &writer
        ).json.array
        #expect(prefixed == direct)
        #expect(Support.text(prefixed).hasPrefix("{" + Support.text(prefix.bytes) + #","price":"#))
    }

    @Test func tickPrecisionAndNegativeChanges() {
        var writer = JSONWriter()
        let hk = Stock(code: "00700", name: "Tencent", market: "HK", tickPrecision: 3, referencePrice: 400)
        let quote = Quote(code: "00700", price: 398.2, prevClose: 401.0, volume: 0, turnover: 0.5, quoteTime: 0)
        let text = Support.text(QuoteFragmentEncoder.encode(quote, stock: hk, writer: &writer).json.array)
        #expect(text.contains(#""price":398.200,"prev_close":401.000,"change":-2.800,"change_percent":-0.70,"#))
        #expect(text.contains(#""volume":0,"turnover":0.5,"quote_time":"1970-01-01T00:00:00.000000Z""#))
        // A writer is reusable: the second fragment is not polluted by the first.
        let again = QuoteFragmentEncoder.encode(Support.moutaiQuote, stock: Support.moutai, writer: &writer)
        #expect(Support.json(again.json.array) == Support.moutaiJSON)
    }

    /// The optional fields: the ingest stamp, the daily band of a market with limits, the
    /// position at a limit, the stale flag; absent when they would say nothing.
    @Test func limitsIngestTimeAndStaleFlag() {
        var writer = JSONWriter()
        var star = Stock(code: "688981", name: "SMIC", market: "SH", tickPrecision: 2, referencePrice: 88)
        star.priceLimitPercent = 20
        var quote = Quote(code: "688981", price: 106.32, prevClose: 88.60, volume: 1, turnover: 1, quoteTime: 0)
        quote.ingestTime = 1_500_000
        var text = Support.text(QuoteFragmentEncoder.encode(quote, stock: star, stale: true, writer: &writer).json.array)
        #expect(
            text.hasSuffix(
                #""quote_time":"1970-01-01T00:00:00.000000Z","ingest_time":"1970-01-01T00:00:01.500000Z","#
                    + #""limit_up":106.32,"limit_down":70.88,"at_limit":"up","stale":true}"#))
        quote.price = 70.88
        text = Support.text(QuoteFragmentEncoder.encode(quote, stock: star, writer: &writer).json.array)
        #expect(text.hasSuffix(#""limit_up":106.32,"limit_down":70.88,"at_limit":"down"}"#))
        quote.price = 100
        text = Support.text(QuoteFragmentEncoder.encode(quote, stock: star, writer: &writer).json.array)
        #expect(text.hasSuffix(#""limit_up":106.32,"limit_down":70.88}"#))
        // Hong Kong has no daily limits, and a quote the leader has not stamped has no ingest time.
        let hk = Stock(code: "00700", name: "Tencent", market: "HK", referencePrice: 400)
        quote.ingestTime = 0
        text = Support.text(QuoteFragmentEncoder.encode(quote, stock: hk, writer: &writer).json.array)
        #expect(text.hasSuffix(#""quote_time":"1970-01-01T00:00:00.000000Z"}"#))
    }

    /// An ETF quoted in thousandths moves by less than a cent: its change keeps the third
    /// decimal, so a client can reconcile price, prev_close, change and change_percent.
    @Test func changeCarriesTheTickPrecision() throws {
        var writer = JSONWriter()
        let etf = Stock(code: "510300", name: "CSI 300 ETF", market: "SH", tickPrecision: 3, referencePrice: 4)
        let quote = Quote(code: "510300", price: 4.008, prevClose: 4.012, volume: 1, turnover: 4.008, quoteTime: 0)
        let text = Support.text(QuoteFragmentEncoder.encode(quote, stock: etf, writer: &writer).json.array)
        #expect(text.contains(#""price":4.008,"prev_close":4.012,"change":-0.004,"change_percent":-0.10,"#))
        let fields = try #require(Support.json(text))
        let price = try #require(fields["price"]?.doubleValue)
        let prevClose = try #require(fields["prev_close"]?.doubleValue)
        let change = try #require(fields["change"]?.doubleValue)
        #expect(abs(price - prevClose - change) < 1e-9)
    }

    @Test func bodyShape() {
        var writer = JSONWriter()
        let fragment = QuoteFragmentEncoder.encode(Support.moutaiQuote, stock: Support.moutai, writer: &writer)
        let body = PriceUpdateBody.encode(
            snapshot: true, timestamp: Support.tickTime, fragments: [fragment, fragment], writer: &writer)
        let text = Support.text(body.array)
        #expect(text.hasPrefix(#","snapshot":true,"count":2,"timestamp":"2026-11-21T10:30:00.123456Z","data":[{"code""#))
        #expect(text.hasSuffix(#"Z"}]}"#))
        let empty = PriceUpdateBody.encode(snapshot: false, timestamp: 0, fragments: [], writer: &writer)
        #expect(Support.text(empty.array) == #","snapshot":false,"count":0,"timestamp":"1970-01-01T00:00:00.000000Z","data":[]}"#)
    }

    @Test(arguments: [UInt64(1), 9, 10, 99_999_999])
    func contractExampleDecodes(seq: UInt64) throws {
        var writer = JSONWriter()
        let fragment = QuoteFragmentEncoder.encode(Support.moutaiQuote, stock: Support.moutai, writer: &writer)
        let body = PriceUpdateBody.encode(snapshot: false, timestamp: Support.tickTime, fragments: [fragment], writer: &writer)
        let payload = try decodeFrame(seq: seq, body: body)
        let expected: JSONValue = .object([
            (key: "type", value: .string("price_update")), (key: "seq", value: .number(Double(seq))),
            (key: "snapshot", value: .bool(false)), (key: "count", value: .number(1)),
            (key: "timestamp", value: .string("2026-11-21T10:30:00.123456Z")),
            (key: "data", value: .array([Support.moutaiJSON])),
        ])
        #expect(Support.json(payload) == expected)
    }

    /// Bodies sized so that the whole payload lands on each side of the 7-bit, 16-bit
    /// and 64-bit length boundaries. The data holds real quotes (as many as fit) plus
    /// one string element padded to the exact size.
    @Test(arguments: [UInt64(1), 9, 10, 99_999_999], [124, 125, 126, 127, 65_535, 65_536, 65_537])
    func lengthBoundaries(seq: UInt64, payloadLength: Int) throws {
        var writer = JSONWriter()
        let quote = QuoteFragmentEncoder.encode(Support.moutaiQuote, stock: Support.moutai, writer: &writer)
        let headJSON = #"{"type":"price_update","seq":\#(seq)"#.utf8.count
        let quotes = payloadLength > 1000 ? (payloadLength - 1000) / quote.json.count : 0
        let unpadded = PriceUpdateBody.encode(
            snapshot: false, timestamp: Support.tickTime,
            fragments: Array(repeating: quote, count: quotes) + [padding(0)], writer: &writer)
        let pad = payloadLength - headJSON - unpadded.count
        try #require(pad >= 0)
        let body = PriceUpdateBody.encode(
            snapshot: false, timestamp: Support.tickTime,
            fragments: Array(repeating: quote, count: quotes) + [padding(pad)], writer: &writer)
        #expect(headJSON + body.count == payloadLength)

        var buffer = ByteBuffer()
        let written = PriceUpdateHead.write(seq: seq, bodyLength: body.count, into: &buffer)
        let headerSize = payloadLength <= 125 ? 2 : (payloadLength <= 65_535 ? 4 : 10)
        #expect(written == headerSize + headJSON)
        #expect(PriceUpdateHead.size(seq: seq, bodyLength: body.count) == written)
        var direct = [UInt8](repeating: 0, count: written)
        let directCount = direct.withUnsafeMutableBytes { PriceUpdateHead.write(seq: seq, bodyLength: body.count, into: $0) }
        #expect(directCount == written && direct == buffer.readableBytesArray, "the raw-buffer head is the same bytes")

        let payload = try decodeFrame(seq: seq, body: body)
        #expect(payload.count == payloadLength)
        let json = try #require(Support.json(payload))
        #expect(json["type"] == .string("price_update"))
        #expect(json["seq"] == .number(Double(seq)))
        #expect(json["snapshot"] == .bool(false))
        #expect(json["count"] == .number(Double(quotes + 1)))
        #expect(json["timestamp"] == .string("2026-11-21T10:30:00.123456Z"))
        let data = try #require(json["data"]?.arrayValue)
        #expect(data.count == quotes + 1)
        #expect(data.dropLast().allSatisfy { $0 == Support.moutaiJSON })
        #expect(data.last == .string(String(repeating: "x", count: pad)))
    }

    @Test func headsOfOneTickShareAnArena() throws {
        var writer = JSONWriter()
        let quote = QuoteFragmentEncoder.encode(Support.moutaiQuote, stock: Support.moutai, writer: &writer)
        let body = PriceUpdateBody.encode(snapshot: false, timestamp: Support.tickTime, fragments: [quote], writer: &writer)
        var arena = ByteBuffer()
        var ranges: [Range<Int>] = []
        for seq: UInt64 in [1, 42, 1000, UInt64.max] {
            let start = arena.readableBytes
            let count = PriceUpdateHead.write(seq: seq, bodyLength: body.count, into: &arena)
            ranges.append(start..<(start + count))
        }
        let bytes = arena.readableBytesArray
        var decoder = FrameDecoder(maxPayloadSize: 1 << 20, requireMask: false)
        for (range, seq) in zip(ranges, [UInt64(1), 42, 1000, UInt64.max]) {
            var frame = ByteBuffer(bytes: Array(bytes[range]) + body.array)
            let decoded = try #require(try decoder.next(&frame))
            #expect(frame.readableBytes == 0)
            let text = Support.text(decoded.payload)
            #expect(text.hasPrefix(#"{"type":"price_update","seq":\#(seq),"snapshot":false"#))
        }
    }

    /// Concatenates head and body the way `writev` sends them and decodes the frame as a client would.
    func decodeFrame(seq: UInt64, body: SharedBytes) throws -> [UInt8] {
        var wire = ByteBuffer()
        PriceUpdateHead.write(seq: seq, bodyLength: body.count, into: &wire)
        wire.writeBytes(body.bytes)
        var decoder = FrameDecoder(maxPayloadSize: 1 << 24, requireMask: false)
        let frame = try #require(try decoder.next(&wire))
        #expect(wire.readableBytes == 0)
        #expect(frame.fin)
        #expect(frame.opcode == .text)
        return frame.payload
    }

    func padding(_ count: Int) -> QuoteFragment {
        QuoteFragment(code: "pad", json: SharedBytes(Array("\"\(String(repeating: "x", count: count))\"".utf8)))
    }
}
