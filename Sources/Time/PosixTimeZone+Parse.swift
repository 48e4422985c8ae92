extension PosixTimeZone {
    /// Parses a POSIX TZ string as TZif footers carry it; nil when it does not parse.
    /// Daylight time without transition rules is refused (footers always give them).
    public static func parse(_ text: String) -> PosixTimeZone? {
        var scanner = TZScanner(bytes: Array(text.utf8))
        guard scanner.skipName(), let westStandard = scanner.offset() else { return nil }
        let standard = -westStandard
        if scanner.atEnd { return PosixTimeZone(standardOffset: standard, daylight: nil) }
        guard scanner.skipName() else { return nil }
        var daylightOffset = standard + 3600
        if !scanner.peek(44) {  // not ','
            guard let west = scanner.offset() else { return nil }
            daylightOffset = -west
        }
        guard scanner.expect(44), let start = scanner.rule(), scanner.expect(44), let end = scanner.rule(),
            scanner.atEnd
        else { return nil }
        return PosixTimeZone(
            standardOffset: standard, daylight: Daylight(offset: daylightOffset, start: start, end: end))
    }
}

/// A cursor over the bytes of a TZ string.
private struct TZScanner {
    let bytes: [UInt8]
    var index = 0

    var atEnd: Bool { index == bytes.count }

    func peek(_ byte: UInt8) -> Bool { index < bytes.count && bytes[index] == byte }

    mutating func expect(_ byte: UInt8) -> Bool {
        guard peek(byte) else { return false }
        index += 1
        return true
    }

    /// A zone abbreviation: three or more letters, or anything quoted in `<...>`.
    mutating func skipName() -> Bool {
        if expect(60) {  // <
            let start = index
            while index < bytes.count, bytes[index] != 62 { index += 1 }
            guard index - start >= 3, expect(62) else { return false }
            return true
        }
        let start = index
        while index < bytes.count, (65...90).contains(bytes[index]) || (97...122).contains(bytes[index]) { index += 1 }
        return index - start >= 3
    }

    mutating func number(maxDigits: Int) -> Int? {
        var value = 0
        var digits = 0
        while index < bytes.count, (48...57).contains(bytes[index]), digits < maxDigits {
            value = value * 10 + Int(bytes[index] - 48)
            index += 1
            digits += 1
        }
        return digits > 0 ? value : nil
    }

    /// `[+-]hh[:mm[:ss]]` in seconds, as written (positive west of Greenwich for offsets).
    mutating func offset(maxHours: Int = 24) -> Int? {
        var sign = 1
        if expect(45) { sign = -1 } else { _ = expect(43) }
        guard let hours = number(maxDigits: 3), hours <= maxHours else { return nil }
        var seconds = hours * 3600
        if expect(58) {
            guard let minutes = number(maxDigits: 2), minutes < 60 else { return nil }
            seconds += minutes * 60
            if expect(58) {
                guard let secs = number(maxDigits: 2), secs < 60 else { return nil }
                seconds += secs
            }
        }
        return sign * seconds
    }

    /// `Jn`, `n` or `Mm.w.d`, then an optional `/time` (default 02:00).
    mutating func rule() -> PosixTimeZone.Rule? {
        let day: PosixTimeZone.Rule.Day
        if expect(77) {  // M
            guard let month = number(maxDigits: 2), (1...12).contains(month), expect(46),
                let week = number(maxDigits: 1), (1...5).contains(week), expect(46),
                let weekday = number(maxDigits: 1), weekday <= 6
            else { return nil }
            day = .monthWeekDay(month: month, week: week, weekday: weekday)
        } else if expect(74) {  // J
            guard let n = number(maxDigits: 3), (1...365).contains(n) else { return nil }
            day = .julian(n)
        } else {
            guard let n = number(maxDigits: 3), n <= 365 else { return nil }
            day = .zeroBased(n)
        }
        var time = 7200
        if expect(47) {  // /
            guard let seconds = offset(maxHours: 167) else { return nil }
            time = seconds
        }
        return PosixTimeZone.Rule(day: day, time: time)
    }
}
