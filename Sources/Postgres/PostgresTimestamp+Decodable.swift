import Time

/// Parses `YYYY-MM-DD HH:MM:SS[.ffffff][±HH[:MM[:SS]]]`, the ISO output of timestamp and timestamptz
/// (the connection sets DateStyle ISO and TimeZone UTC). No offset means UTC. `infinity` and BC dates
/// have no instant here and fail to decode.
extension PostgresTimestamp: PostgresDecodable {
    public static func decode(postgresText: String) -> PostgresTimestamp? {
        var scanner = DigitScanner(Array(postgresText.utf8))
        guard let year = scanner.number(minDigits: 4, maxDigits: 7), scanner.skip("-"),
            let month = scanner.number(digits: 2), scanner.skip("-"),
            let day = scanner.number(digits: 2), scanner.skip(" ") || scanner.skip("T"),
            let hour = scanner.number(digits: 2), scanner.skip(":"),
            let minute = scanner.number(digits: 2), scanner.skip(":"),
            let second = scanner.number(digits: 2)
        else { return nil }
        guard (1...12).contains(month), (1...Int64(CivilCalendar.daysInMonth(year: Int(year), month: Int(month)))).contains(day),
            (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second)
        else { return nil }
        var micros: Int64 = 0
        if scanner.skip(".") {
            guard let (fraction, digits) = scanner.fraction(maxDigits: 6) else { return nil }
            micros = fraction
            for _ in digits..<6 { micros *= 10 }
        }
        var offsetSeconds: Int64 = 0
        if let sign: Int64 = scanner.skip("+") ? 1 : scanner.skip("-") ? -1 : nil {
            guard let offsetHours = scanner.number(digits: 2) else { return nil }
            var offset = offsetHours * 3600
            if scanner.skip(":") {
                guard let offsetMinutes = scanner.number(digits: 2) else { return nil }
                offset += offsetMinutes * 60
                if scanner.skip(":") {
                    guard let extraSeconds = scanner.number(digits: 2) else { return nil }
                    offset += extraSeconds
                }
            }
            offsetSeconds = sign * offset
        }
        guard scanner.atEnd else { return nil }
        let seconds =
            Int64(CivilCalendar.days(year: Int(year), month: Int(month), day: Int(day))) * 86_400
            + hour * 3600 + minute * 60 + second - offsetSeconds
        return PostgresTimestamp(microsecondsSinceEpoch: seconds * 1_000_000 + micros)
    }
}
