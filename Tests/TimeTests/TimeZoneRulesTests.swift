import Testing

@testable import Time

/// The real tz database of the system (Debian `tzdata`), as the server reads it.
@Suite struct TimeZoneRulesTests {
    let database = TimeZoneDatabase()

    /// Seconds since the epoch of a UTC wall time.
    func utc(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int = 0) -> Int64 {
        Int64(CivilCalendar.days(year: year, month: month, day: day)) * 86_400 + Int64(hour * 3600 + minute * 60)
    }

    @Test func newYorkSpringForward2026() throws {
        let zone = try database.rules(for: "America/New_York")
        // 2026-03-08 02:00 EST = 07:00 UTC: clocks jump to 03:00 EDT.
        #expect(zone.offset(atUTC: utc(2026, 3, 8, 7) - 1) == -18_000)
        #expect(zone.offset(atUTC: utc(2026, 3, 8, 7)) == -14_400)
        // The local hour 02:00-03:00 does not exist; 02:30 reads as 03:30 EDT.
        #expect(zone.utc(fromLocal: utc(2026, 3, 8, 1, 59)) == utc(2026, 3, 8, 6, 59))
        #expect(zone.utc(fromLocal: utc(2026, 3, 8, 2, 30)) == utc(2026, 3, 8, 7, 30))
        #expect(zone.utc(fromLocal: utc(2026, 3, 8, 3)) == utc(2026, 3, 8, 7))
        // A session boundary either side of the switch.
        #expect(zone.utc(fromLocal: utc(2026, 3, 6, 9, 30)) == utc(2026, 3, 6, 14, 30))
        #expect(zone.utc(fromLocal: utc(2026, 3, 9, 9, 30)) == utc(2026, 3, 9, 13, 30))
    }

    @Test func newYorkFallBack2026() throws {
        let zone = try database.rules(for: "America/New_York")
        // 2026-11-01 02:00 EDT = 06:00 UTC: clocks go back to 01:00 EST.
        #expect(zone.offset(atUTC: utc(2026, 11, 1, 6) - 1) == -14_400)
        #expect(zone.offset(atUTC: utc(2026, 11, 1, 6)) == -18_000)
        // 01:30 happens twice (05:30 and 06:30 UTC); the first one is taken.
        #expect(zone.local(fromUTC: utc(2026, 11, 1, 5, 30)) == utc(2026, 11, 1, 1, 30))
        #expect(zone.local(fromUTC: utc(2026, 11, 1, 6, 30)) == utc(2026, 11, 1, 1, 30))
        #expect(zone.utc(fromLocal: utc(2026, 11, 1, 1, 30)) == utc(2026, 11, 1, 5, 30))
        #expect(zone.utc(fromLocal: utc(2026, 10, 30, 16)) == utc(2026, 10, 30, 20))
        #expect(zone.utc(fromLocal: utc(2026, 11, 2, 16)) == utc(2026, 11, 2, 21))
    }

    /// Exactly two changes in 2026, at the two switches.
    @Test func newYorkChangesTwiceIn2026() throws {
        let zone = try database.rules(for: "America/New_York")
        var changes: [Int64] = []
        var previous = zone.offset(atUTC: utc(2026, 1, 1, 0))
        var instant = utc(2026, 1, 1, 0)
        while instant < utc(2027, 1, 1, 0) {
            let offset = zone.offset(atUTC: instant)
            if offset != previous { changes.append(instant) }
            previous = offset
            instant += 900
        }
        #expect(changes == [utc(2026, 3, 8, 7), utc(2026, 11, 1, 6)])
    }

    /// Past the transitions the file lists, the footer's rule (EST5EDT,M3.2.0,M11.1.0) goes on.
    @Test func newYorkFarFutureFollowsTheFooter() throws {
        let zone = try database.rules(for: "America/New_York")
        #expect(zone.offset(atUTC: utc(2100, 7, 1, 12)) == -14_400)
        #expect(zone.offset(atUTC: utc(2100, 1, 1, 12)) == -18_000)
        // 2100-03-14 is the second Sunday of March.
        #expect(zone.offset(atUTC: utc(2100, 3, 14, 7) - 1) == -18_000)
        #expect(zone.offset(atUTC: utc(2100, 3, 14, 7)) == -14_400)
        #expect(zone.offset(atUTC: utc(1900, 1, 1, 0)) == -18_000)
    }

    @Test func shanghaiAndHongKongHistory() throws {
        let shanghai = try database.rules(for: "Asia/Shanghai")
        let hongKong = try database.rules(for: "Asia/Hong_Kong")
        #expect(shanghai.offset(atUTC: utc(2026, 3, 8, 7)) == 28_800)
        #expect(shanghai.offset(atUTC: utc(1988, 7, 1, 0)) == 32_400)  // China's summer time, 1986-1991
        #expect(shanghai.offset(atUTC: utc(2100, 7, 1, 0)) == 28_800)
        #expect(hongKong.offset(atUTC: utc(2026, 11, 1, 6)) == 28_800)
        #expect(hongKong.offset(atUTC: utc(1979, 7, 1, 0)) == 32_400)
        #expect(hongKong.offset(atUTC: utc(1900, 1, 1, 0)) == 27_402)  // local mean time
        #expect(hongKong.utc(fromLocal: utc(2026, 12, 7, 9, 30)) == utc(2026, 12, 7, 1, 30))
    }

    @Test func refusesUnknownAndInvalidNames() {
        #expect(throws: TimeZoneError.notFound(zone: "Mars/Olympus", path: "/usr/share/zoneinfo/Mars/Olympus")) {
            try database.rules(for: "Mars/Olympus")
        }
        for name in ["", "../../etc/passwd", "/etc/passwd", "America//New_York", "Asia/Shang hai", "America/.hidden"] {
            #expect(throws: TimeZoneError.invalidName(name)) { try database.rules(for: name) }
        }
        #expect("\(TimeZoneError.notFound(zone: "Mars/Olympus", path: "x"))".contains("Mars/Olympus"))
    }

    @Test func refusesFilesThatAreNotTZif() throws {
        // zone1970.tab is a text table in the same directory.
        #expect(throws: TimeZoneError.malformed(zone: "zone1970.tab", reason: "no TZif magic")) {
            try database.rules(for: "zone1970.tab")
        }
    }
}
