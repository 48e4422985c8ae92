import Testing

@testable import Time

@Suite struct CivilCalendarTests {
    @Test func knownDates() {
        #expect(CivilCalendar.days(year: 1970, month: 1, day: 1) == 0)
        #expect(CivilCalendar.days(year: 1969, month: 12, day: 31) == -1)
        #expect(CivilCalendar.days(year: 2000, month: 3, day: 1) == 11_017)
        #expect(CivilCalendar.days(year: 2026, month: 11, day: 22) == 20_779)
        #expect(CivilCalendar.date(fromDays: 20_779) == (2026, 11, 22))
        #expect(CivilCalendar.date(fromDays: -719_468) == (0, 3, 1))
    }

    /// Every day from 1600 to 2400 maps to a valid date and back, one day after another.
    @Test func roundTripsFourCenturiesBothWays() {
        var previous = CivilCalendar.date(fromDays: CivilCalendar.days(year: 1600, month: 1, day: 1) - 1)
        for days in CivilCalendar.days(year: 1600, month: 1, day: 1)...CivilCalendar.days(year: 2400, month: 12, day: 31) {
            let date = CivilCalendar.date(fromDays: days)
            #expect(CivilCalendar.days(year: date.year, month: date.month, day: date.day) == days)
            #expect((1...CivilCalendar.daysInMonth(year: date.year, month: date.month)).contains(date.day))
            let nextDay = date.day == previous.day + 1 && date.month == previous.month
            let nextMonth = date.day == 1 && (date.month == previous.month + 1 || (date.month == 1 && previous.month == 12))
            if !(nextDay || nextMonth) {
                Issue.record("\(previous) is followed by \(date)")
                return
            }
            previous = date
        }
    }

    @Test func leapYears() {
        #expect(CivilCalendar.daysInMonth(year: 2024, month: 2) == 29)
        #expect(CivilCalendar.daysInMonth(year: 1900, month: 2) == 28)
        #expect(CivilCalendar.daysInMonth(year: 2000, month: 2) == 29)
        #expect(CivilCalendar.daysInMonth(year: 2026, month: 4) == 30)
        #expect(CivilCalendar.daysInMonth(year: 2026, month: 12) == 31)
    }
}
