import Time

/// An instant as microseconds since 1970-01-01 UTC: PostgreSQL's own precision, without Foundation's Date.
public struct PostgresTimestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let microsecondsSinceEpoch: Int64

    public init(microsecondsSinceEpoch: Int64) {
        self.microsecondsSinceEpoch = microsecondsSinceEpoch
    }

    public static func < (lhs: PostgresTimestamp, rhs: PostgresTimestamp) -> Bool {
        lhs.microsecondsSinceEpoch < rhs.microsecondsSinceEpoch
    }

    /// `YYYY-MM-DD HH:MM:SS.ffffff+00`, which PostgreSQL reads back as the same timestamptz.
    public var description: String {
        let (days, microsOfDay) = microsecondsSinceEpoch.quotientAndRemainderFlooring(dividingBy: 86_400_000_000)
        let date = CivilCalendar.date(fromDays: Int(days))
        let (year, month, day) = (Int64(date.year), Int64(date.month), Int64(date.day))
        let seconds = microsOfDay / 1_000_000
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2)) \(pad(seconds / 3600, 2)):\(pad(seconds / 60 % 60, 2))"
            + ":\(pad(seconds % 60, 2)).\(pad(microsOfDay % 1_000_000, 6))+00"
    }

    private func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

extension Int64 {
    /// Division rounding toward negative infinity, so instants before 1970 split into day and time correctly.
    func quotientAndRemainderFlooring(dividingBy divisor: Int64) -> (Int64, Int64) {
        var (quotient, remainder) = quotientAndRemainder(dividingBy: divisor)
        if remainder < 0 {
            quotient -= 1
            remainder += divisor
        }
        return (quotient, remainder)
    }
}
