import Testing

@testable import Time

@Suite struct TZifTests {
    /// A version 1 file: one transition from +1 h to +2 h at t = 1000.
    func versionOne() -> [UInt8] {
        var bytes: [UInt8] = Array("TZif".utf8) + [0] + [UInt8](repeating: 0, count: 15)
        func be32(_ value: Int32) -> [UInt8] { withUnsafeBytes(of: value.bigEndian) { Array($0) } }
        for count: Int32 in [0, 0, 0, 1, 2, 4] { bytes += be32(count) }
        bytes += be32(1000) + [1]
        bytes += be32(3600) + [0, 0] + be32(7200) + [1, 0]
        bytes += Array("AB\0\0".utf8)
        return bytes
    }

    @Test func parsesVersionOne() throws {
        let zone = try TZif.parse(versionOne(), zone: "Test/V1")
        #expect(zone.offset(atUTC: 999) == 3600)
        #expect(zone.offset(atUTC: 1000) == 7200)
        #expect(zone.offset(atUTC: 1 << 40) == 7200)
    }

    @Test func refusesTruncatedAndCorruptFiles() throws {
        let bytes = versionOne()
        #expect(throws: TimeZoneError.self) { try TZif.parse(Array(bytes.dropLast(6)), zone: "Test/V1") }
        #expect(throws: TimeZoneError.malformed(zone: "Test/V1", reason: "no TZif magic")) {
            try TZif.parse(Array("TZix".utf8) + bytes.dropFirst(4), zone: "Test/V1")
        }
        var badType = bytes
        badType[44 + 4] = 9  // the transition's type index
        #expect(throws: TimeZoneError.malformed(zone: "Test/V1", reason: "transition type 9 out of range")) {
            try TZif.parse(badType, zone: "Test/V1")
        }
        var badVersion = bytes
        badVersion[4] = 57
        #expect(throws: TimeZoneError.self) { try TZif.parse(badVersion, zone: "Test/V1") }
    }

    @Test func posixRules() throws {
        let us = try #require(PosixTimeZone.parse("EST5EDT,M3.2.0,M11.1.0"))
        #expect(us.standardOffset == -18_000)
        #expect(us.daylight?.offset == -14_400)
        #expect(us.daylight?.start == .init(day: .monthWeekDay(month: 3, week: 2, weekday: 0), time: 7200))
        #expect(PosixTimeZone.parse("CST-8") == PosixTimeZone(standardOffset: 28_800, daylight: nil))
        #expect(PosixTimeZone.parse("<+0330>-3:30")?.standardOffset == 12_600)
        // Southern hemisphere: daylight time spans the new year.
        let sydney = try #require(PosixTimeZone.parse("AEST-10AEDT,M10.1.0,M4.1.0/3"))
        let january = Int64(CivilCalendar.days(year: 2030, month: 1, day: 15)) * 86_400
        let july = Int64(CivilCalendar.days(year: 2030, month: 7, day: 15)) * 86_400
        #expect(sydney.offset(atUTC: january) == 39_600)
        #expect(sydney.offset(atUTC: july) == 36_000)
        // Version 3 extensions: times past 24 h and negative times.
        #expect(PosixTimeZone.parse("IST-2IDT,M3.4.4/26,M10.5.0")?.daylight?.start.time == 26 * 3600)
        #expect(PosixTimeZone.parse("<-02>2<-01>,M3.5.0/-1,M10.5.0/0")?.daylight?.start.time == -3600)
        #expect(PosixTimeZone.parse("WET0WEST,J60/1,300")?.daylight?.end.day == .zeroBased(300))
        for bad in ["", "EST", "EST5EDT", "E5", "EST5EDT,M13.1.0,M11.1.0", "EST5EDT,M3.2.0", "EST5x"] {
            #expect(PosixTimeZone.parse(bad) == nil, "\(bad)")
        }
    }

    /// Damaged files are refused with an error, never a crash: every truncation of a
    /// real file, and a few thousand single-byte corruptions of it.
    @Test func survivesTruncationAndCorruption() throws {
        let zone = try TimeZoneDatabase().rules(for: "America/New_York")
        let bytes = try TimeZoneDatabase.readFile("/usr/share/zoneinfo/America/New_York", zone: "America/New_York")
        #expect(try TZif.parse(bytes, zone: "America/New_York") == zone)
        for length in 0..<bytes.count {
            #expect(throws: TimeZoneError.self) { try TZif.parse(Array(bytes[0..<length]), zone: "x") }
        }
        var random: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<3000 {
            random = random &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            var damaged = bytes
            damaged[Int((random >> 33) % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: random >> 13)
            if let parsed = try? TZif.parse(damaged, zone: "x") {
                _ = parsed.offset(atUTC: 1_796_616_000)
                _ = parsed.utc(fromLocal: 1_796_616_000)
            }
        }
    }

}
