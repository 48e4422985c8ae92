import Testing

@testable import Market

@Suite struct TickMessageTests {
    let moutai = Quote(
        code: "600519", price: 1850.5, prevClose: 1805.4, volume: 12_345_678, turnover: 22_845_000_000.0,
        quoteTime: 1_763_720_999_000_000)
    let apple = Quote(code: "AAPL", price: 230.1, prevClose: 229, volume: 100, turnover: 23_010, quoteTime: 1_763_720_999_500_000)

    /// Big-endian bytes of `value`, for spelling expected layouts out.
    func bigEndian(_ value: UInt64, _ count: Int) -> [UInt8] {
        (0..<count).reversed().map { UInt8(truncatingIfNeeded: value >> UInt64($0 * 8)) }
    }

    @Test func roundTrips() throws {
        let message = TickMessage(tick: 42, at: 1_763_721_000_000_000, quotes: [moutai, apple])
        #expect(try TickMessage(decoding: message.encoded()) == message)
        let empty = TickMessage(tick: 1, at: 0, quotes: [])
        #expect(try TickMessage(decoding: empty.encoded()) == empty)
    }

    @Test func layoutIsTheDocumentedOne() {
        let at: Int64 = 1_763_721_000_123_456
        let bytes = TickMessage(tick: 0x0102_0304_0506_0708, at: at, quotes: [apple]).encoded()
        let json = QuoteCodec.encode(apple)
        var expected: [UInt8] = [0x53, 0x50, 0x54, 0x01]  // "SPT", version 1
        expected += [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08]  // tick
        expected += bigEndian(UInt64(at), 8)
        expected += [0, 0, 0, 1]  // count
        expected += [0, 4] + Array("AAPL".utf8)  // code
        expected += bigEndian(UInt64(json.count), 4) + json  // the quote as stored in `latest`
        #expect(bytes == expected)
        #expect(TickMessage(tick: 7, at: 0, quotes: []).encoded().count == TickMessage.headerSize)
    }

    @Test func aNegativeTimeSurvivesTheUnsignedFraming() throws {
        let message = TickMessage(tick: 3, at: -1, quotes: [])
        #expect(try TickMessage(decoding: message.encoded()).at == -1)
    }

    @Test func refusesWhatIsNotATickMessage() {
        #expect(throws: TickMessageError.notATickMessage) {
            try TickMessage(decoding: Array(#"{"tick":1,"at":"2026-01-01T00:00:00Z","count":0}"#.utf8))
        }
        var newer = TickMessage(tick: 1, at: 0, quotes: []).encoded()
        newer[3] = 2
        #expect(throws: TickMessageError.unsupportedVersion(2)) { try TickMessage(decoding: newer) }
        #expect(throws: TickMessageError.truncated(at: 0)) { try TickMessage(decoding: [0x53, 0x50, 0x54, 0x01]) }
    }

    @Test func everyTruncationAndAnyTrailingByteIsRefused() {
        let bytes = TickMessage(tick: 9, at: 5, quotes: [moutai, apple]).encoded()
        for length in 0..<bytes.count {
            #expect(throws: TickMessageError.self, "cut at \(length)") { try TickMessage(decoding: Array(bytes[..<length])) }
        }
        #expect(throws: TickMessageError.trailingBytes(at: bytes.count)) { try TickMessage(decoding: bytes + [0]) }
    }

    @Test func anAbsurdCountFailsBeforeAnyAllocation() {
        var bytes = TickMessage(tick: 1, at: 0, quotes: []).encoded()
        bytes.replaceSubrange(20..<24, with: [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(throws: TickMessageError.truncated(at: TickMessage.headerSize)) { try TickMessage(decoding: bytes) }
    }

    @Test func aRecordMustHoldAStoredQuoteOfItsOwnCode() {
        var mismatched = TickMessage(tick: 1, at: 0, quotes: [apple]).encoded()
        mismatched[TickMessage.headerSize + 2] = UInt8(ascii: "B")  // "BAPL" in front of AAPL's quote
        #expect(throws: TickMessageError.codeMismatch(index: 0, quote: "AAPL")) { try TickMessage(decoding: mismatched) }

        let broken = Array(#"{"code":"AAPL"}"#.utf8)
        var record = TickMessage(tick: 1, at: 0, quotes: []).encoded()
        record.replaceSubrange(20..<24, with: [0, 0, 0, 1])
        record += [0, 4] + Array("AAPL".utf8) + bigEndian(UInt64(broken.count), 4) + broken
        #expect(throws: TickMessageError.badQuote(index: 0, .missingField("price"))) { try TickMessage(decoding: record) }
    }
}
