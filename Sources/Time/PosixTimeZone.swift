/// The POSIX TZ rule in a TZif footer ("EST5EDT,M3.2.0,M11.1.0", "CST-8"): how a zone's
/// offsets go on past the last transition its file lists (RFC 8536 section 3.3).
public struct PosixTimeZone: Sendable, Equatable {
    /// The day and local time a daylight-saving change happens.
    public struct Rule: Sendable, Equatable {
        public enum Day: Sendable, Equatable {
            /// `Jn`: day 1...365 of the year, February 29 never counted.
            case julian(Int)
            /// `n`: day 0...365 of the year, February 29 counted.
            case zeroBased(Int)
            /// `Mm.w.d`: weekday `d` (0 = Sunday) of week `w` (5 = last) of month `m`.
            case monthWeekDay(month: Int, week: Int, weekday: Int)
        }
        public var day: Day
        /// Seconds after local midnight (may be negative or past 24 h in version 3).
        public var time: Int
    }

    public struct Daylight: Sendable, Equatable {
        /// Seconds east of UTC while daylight-saving time is in effect.
        public var offset: Int
        public var start: Rule
        public var end: Rule
    }

    /// Seconds east of UTC of standard time (POSIX writes them west: `EST5` is -18000).
    public var standardOffset: Int
    public var daylight: Daylight?

    /// The offset in effect at `seconds` since the epoch (UTC).
    public func offset(atUTC seconds: Int64) -> Int {
        guard let daylight else { return standardOffset }
        let localDays = Self.floorDiv(seconds + Int64(standardOffset), 86_400)
        let year = CivilCalendar.date(fromDays: Int(localDays)).year
        let start = Int64(daylight.start.localSeconds(year: year) - standardOffset)
        let end = Int64(daylight.end.localSeconds(year: year) - daylight.offset)
        if start < end {
            return seconds >= start && seconds < end ? daylight.offset : standardOffset
        }
        return seconds >= end && seconds < start ? standardOffset : daylight.offset
    }

    static func floorDiv(_ value: Int64, _ divisor: Int64) -> Int64 {
        value >= 0 ? value / divisor : (value - divisor + 1) / divisor
    }
}

extension PosixTimeZone.Rule {
    /// Local seconds since the epoch at which the rule fires in `year`.
    func localSeconds(year: Int) -> Int {
        let january1 = CivilCalendar.days(year: year, month: 1, day: 1)
        let leap = CivilCalendar.daysInMonth(year: year, month: 2) == 29
        let days: Int
        switch day {
        case .julian(let n): days = january1 + n - 1 + (leap && n >= 60 ? 1 : 0)
        case .zeroBased(let n): days = january1 + n
        case .monthWeekDay(let month, let week, let weekday):
            let first = CivilCalendar.days(year: year, month: month, day: 1)
            let firstWeekday = ((first + 4) % 7 + 7) % 7  // 1970-01-01 was a Thursday
            var dayOfMonth = 1 + (weekday - firstWeekday + 7) % 7 + (week - 1) * 7
            while dayOfMonth > CivilCalendar.daysInMonth(year: year, month: month) { dayOfMonth -= 7 }
            days = first + dayOfMonth - 1
        }
        return days * 86_400 + time
    }
}
