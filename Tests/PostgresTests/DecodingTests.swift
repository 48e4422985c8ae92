import Postgres
import Testing

@Suite struct DecodingTests {
    @Test func scalars() {
        #expect(Int.decode(postgresText: "-42") == -42)
        #expect(Int32.decode(postgresText: "2147483648") == nil)
        #expect(Int64.decode(postgresText: "9223372036854775807") == .max)
        #expect(Double.decode(postgresText: "1.5e-05") == 1.5e-05)
        #expect(Double.decode(postgresText: "-Infinity") == -.infinity)
        #expect(Double.decode(postgresText: "NaN")?.isNaN == true)
        #expect(Double.decode(postgresText: "abc") == nil)
        #expect(Bool.decode(postgresText: "t") == true)
        #expect(Bool.decode(postgresText: "f") == false)
        #expect(Bool.decode(postgresText: "yes") == nil)
        #expect([UInt8].decode(postgresText: "\\x00ff0A") == [0, 255, 10])
        #expect([UInt8].decode(postgresText: "\\x0") == nil)
    }

    @Test(
        arguments: [
            ("1970-01-01 00:00:00+00", 0),
            ("2024-02-29 12:34:56.789+00", 1_709_210_096_789_000),
            ("2024-02-29 14:34:56.789012+02", 1_709_210_096_789_012),
            ("2024-02-29 07:04:56.000001-05:30", 1_709_210_096_000_001),
            ("1969-12-31 23:59:59.5", -500_000),
            ("2000-01-01 00:00:00", 946_684_800_000_000),
        ] as [(String, Int64)])
    func parsesTimestamps(_ text: String, _ micros: Int64) {
        #expect(PostgresTimestamp.decode(postgresText: text)?.microsecondsSinceEpoch == micros)
    }

    @Test(arguments: ["infinity", "2024-02-30 00:00:00+00", "2024-01-01", "2024-01-01 00:00:00 BC", "2024-01-01 25:00:00"])
    func rejectsOtherTimestamps(_ text: String) {
        #expect(PostgresTimestamp.decode(postgresText: text) == nil)
    }

    @Test func timestampsFormatBackToTheirText() {
        for micros: Int64 in [0, -500_000, 1_709_210_096_789_012, 253_402_300_799_999_999] {
            let timestamp = PostgresTimestamp(microsecondsSinceEpoch: micros)
            #expect(PostgresTimestamp.decode(postgresText: timestamp.description) == timestamp)
        }
        #expect(PostgresTimestamp(microsecondsSinceEpoch: -500_000).description == "1969-12-31 23:59:59.500000+00")
    }
}
