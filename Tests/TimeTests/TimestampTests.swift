import Testing

@testable import Time

@Suite struct TimestampTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000000Z"),
        (1_763_721_000_123_456, "2025-11-21T10:30:00.123456Z"),
        (951_782_400_000_000, "2000-02-29T00:00:00.000000Z"),
        (-1, "1969-12-31T23:59:59.999999Z"),
        (4_102_444_799_999_999, "2099-12-31T23:59:59.999999Z"),
    ])
    func formatsUTCWithMicroseconds(micros: Int64, text: String) {
        #expect(Timestamp.iso8601(microsecondsSinceEpoch: micros) == text)
        #expect(Timestamp.parseISO8601(text) == micros)
    }

    @Test func parsesOffsetsSpacesAndShortFractions() {
        #expect(Timestamp.parseISO8601("2026-11-21T18:30:00+08:00") == Timestamp.parseISO8601("2026-11-21T10:30:00Z"))
        #expect(Timestamp.parseISO8601("2026-11-21 10:30:00.5Z") == Timestamp.parseISO8601("2026-11-21T10:30:00.500000Z"))
        #expect(Timestamp.parseISO8601("2026-11-21T05:30:00-0500") == Timestamp.parseISO8601("2026-11-21T10:30:00Z"))
    }

    @Test(arguments: [
        "", "2026-11-21", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-21T24:00:00Z",
        "2026-11-21T10:30:00", "2026-11-21T10:30:00.Z", "2026-11-21T10:30:00Zjunk", "20261121T103000Z",
    ])
    func rejectsMalformedTimestamps(text: String) {
        #expect(Timestamp.parseISO8601(text) == nil)
    }

    @Test func everyDayOfFourHundredYearsRoundTrips() {
        var micros: Int64 = -2_208_988_800_000_000  // 1900-01-01
        for _ in 0..<(400 * 366) {
            let text = Timestamp.iso8601(microsecondsSinceEpoch: micros)
            #expect(Timestamp.parseISO8601(text) == micros)
            micros += 86_400_000_000 + 1_234_567
        }
    }
}
