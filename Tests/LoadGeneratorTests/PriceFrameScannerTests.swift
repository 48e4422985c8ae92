import Testing
import Time

@testable import LoadGenerator

@Suite struct PriceFrameScannerTests {
    func scan(_ text: String) -> PriceFrameScanner.Result {
        Array(text.utf8).withUnsafeBytes { PriceFrameScanner.scan($0) }
    }

    @Test(arguments: [(UInt64(1), false, 1), (42, true, 20), (18_446_744_073_709_551_615, false, 3)])
    func readsSeqSnapshotAndTimestampOfServerFrames(seq: UInt64, snapshot: Bool, quotes: Int) {
        let result = scan(Fixtures.priceUpdate(seq: seq, snapshot: snapshot, quotes: quotes))
        #expect(
            result
                == .priceUpdate(
                    PriceFrame(
                        seq: seq, timestampMicros: Fixtures.timestampMicros, snapshot: snapshot,
                        quoteMicros: Fixtures.quoteMicros)))
    }

    /// The receive side of the latency chain: the first quote's source and ingest stamps.
    @Test func readsTheFirstQuotesStamps() {
        let ingest = "2026-11-21T10:29:59.250000Z"
        let result = scan(Fixtures.priceUpdate(seq: 5, quotes: 2, ingest: ingest))
        #expect(
            result
                == .priceUpdate(
                    PriceFrame(
                        seq: 5, timestampMicros: Fixtures.timestampMicros, snapshot: false,
                        quoteMicros: Fixtures.quoteMicros, ingestMicros: Timestamp.parseISO8601(ingest))))
        var stats = ReceiveStats()
        var lastSeq: UInt64 = 4
        guard case .priceUpdate(let frame) = result else { return }
        stats.record(.priceUpdate(frame), receivedAt: Fixtures.timestampMicros + 1_000, lastSeq: &lastSeq)
        #expect(stats.latency.max == 1_000)
        #expect(stats.sinceIngest.max == 874_456 && stats.sinceIngest.total == 1)
        #expect(stats.sinceQuote.max == 1_124_456)
        // A frame without stamps (an empty update) records only the publish leg.
        stats.record(.priceUpdate(PriceFrame(seq: 6, timestampMicros: 0, snapshot: false)), receivedAt: 5, lastSeq: &lastSeq)
        #expect(stats.latency.total == 2 && stats.sinceQuote.total == 1)
    }

    /// The scan expects the server's order (`seq`, `snapshot`, …, `timestamp`) but reads others.
    @Test func readsFieldsInAnotherOrder() {
        let timestampFirst = #"{"type":"price_update","seq":7,"timestamp":"\#(Fixtures.timestamp)","snapshot":true}"#
        #expect(
            scan(timestampFirst) == .priceUpdate(PriceFrame(seq: 7, timestampMicros: Fixtures.timestampMicros, snapshot: true)))
        let noSnapshot = #"{"type":"price_update","seq":8,"count":0,"timestamp":"\#(Fixtures.timestamp)"}"#
        #expect(scan(noSnapshot) == .priceUpdate(PriceFrame(seq: 8, timestampMicros: Fixtures.timestampMicros, snapshot: false)))
    }

    @Test func otherMessagesAreNotPriceUpdates() {
        #expect(scan(Fixtures.connected) == .other)
        #expect(scan(#"{"type":"subscribed","subscription_type":"strategy","target":"T1","stocks":[]}"#) == .other)
        #expect(scan("") == .other)
    }

    @Test(arguments: [
        #"{"type":"price_update","snapshot":false}"#,
        #"{"type":"price_update","seq":,"timestamp":"2026-11-21T10:30:00.123456Z"}"#,
        #"{"type":"price_update","seq":3,"snapshot":false,"count":1}"#,
        #"{"type":"price_update","seq":3,"snapshot":false,"count":1,"timestamp":"2026-11-21T10:30:00.12345"}"#,
        #"{"type":"price_update","seq":3,"snapshot":false,"count":1,"timestamp":"2026-11-21X10:30:00.123456Z"}"#,
    ])
    func brokenPriceUpdatesAreMalformed(text: String) {
        #expect(scan(text) == .malformed)
    }

    @Test(arguments: [Int64(0), 1_763_721_000_123_456, 951_782_400_000_000, 4_102_444_799_999_999, 1_798_761_599_000_001])
    func byteParserAgreesWithTheFormatter(micros: Int64) {
        let text = Timestamp.iso8601(microsecondsSinceEpoch: micros)
        let parsed = Array(text.utf8).withUnsafeBytes { Timestamp.parseISO8601(bytes: $0) }
        #expect(parsed == micros)
        #expect(parsed == Timestamp.parseISO8601(text))
    }

    @Test(arguments: [
        "2026-11-21T10:30:00Z", "2026-13-21T10:30:00.123456Z", "2026-11-21T10:30:00.123456+", "2026-11-21T25:30:00.123456Z",
    ])
    func byteParserRejectsOtherShapes(text: String) {
        #expect(Array(text.utf8).withUnsafeBytes { Timestamp.parseISO8601(bytes: $0) } == nil)
    }
}
