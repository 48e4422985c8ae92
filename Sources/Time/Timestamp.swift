/// ISO 8601 UTC timestamps with microseconds ("2026-11-21T10:30:00.123456Z"), the
/// format of every timestamp on the wire. Civil-from-days arithmetic, no Foundation.
public enum Timestamp {
    public static func iso8601(microsecondsSinceEpoch micros: Int64) -> String {
        String(unsafeUninitializedCapacity: length) { buffer in
            write(microsecondsSinceEpoch: micros, into: UnsafeMutableRawBufferPointer(buffer))
            return length
        }
    }

    /// Bytes in a formatted timestamp.
    public static let length = 27

    /// Writes the timestamp into the first 27 bytes of `output` (no allocation, and no
    /// per-byte callback: the fan-out formats one per quote per tick).
    public static func write(microsecondsSinceEpoch micros: Int64, into output: UnsafeMutableRawBufferPointer) {
        precondition(output.count >= length, "a timestamp needs \(length) bytes")
        func put(_ index: Int, _ byte: UInt8) { output[index] = byte }
        let fraction = Int(((micros % 1_000_000) + 1_000_000) % 1_000_000)
        let seconds = (micros - Int64(fraction)) / 1_000_000
        var days = Int(seconds / 86_400)
        var secondOfDay = Int(seconds % 86_400)
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (year, month, day) = CivilCalendar.date(fromDays: days)

        func digits(_ value: Int, _ count: Int, at start: Int) {
            var value = value
            var index = start + count - 1
            while index >= start {
                put(index, UInt8(48 + value % 10))
                value /= 10
                index -= 1
            }
        }
        digits(year, 4, at: 0)
        put(4, 45)  // -
        digits(month, 2, at: 5)
        put(7, 45)
        digits(day, 2, at: 8)
        put(10, 84)  // T
        digits(secondOfDay / 3600, 2, at: 11)
        put(13, 58)  // :
        digits(secondOfDay / 60 % 60, 2, at: 14)
        put(16, 58)
        digits(secondOfDay % 60, 2, at: 17)
        put(19, 46)  // .
        digits(fraction, 6, at: 20)
        put(26, 90)  // Z
    }
}

extension Timestamp {
    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` (a space may replace the `T`)
    /// into microseconds since the epoch; nil for anything else. Fractions beyond
    /// microseconds are truncated.
    public static func parseISO8601(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        var index = 0
        func number(_ digits: Int) -> Int? {
            guard index + digits <= bytes.count else { return nil }
            var value = 0
            for _ in 0..<digits {
                let byte = bytes[index]
                guard byte >= 48 && byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
                index += 1
            }
            return value
        }
        func expect(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect(45), let month = number(2), expect(45), let day = number(2) else { return nil }
        guard index < bytes.count, bytes[index] == 84 || bytes[index] == 32 else { return nil }  // T or space
        index += 1
        guard let hour = number(2), expect(58), let minute = number(2), expect(58), let second = number(2) else { return nil }
        guard (1...12).contains(month), (1...CivilCalendar.daysInMonth(year: year, month: month)).contains(day),
            hour < 24, minute < 60, second < 61
        else { return nil }
        var micros = 0
        if index < bytes.count && bytes[index] == 46 {  // .
            index += 1
            var digits = 0
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                if digits < 6 { micros = micros * 10 + Int(bytes[index] - 48) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 6) { micros *= 10 }
        }
        var offsetSeconds = 0
        if expect(90) {  // Z
        } else if index < bytes.count, bytes[index] == 43 || bytes[index] == 45 {  // + or -
            let sign = bytes[index] == 45 ? -1 : 1
            index += 1
            guard let oh = number(2) else { return nil }
            _ = expect(58)
            guard let om = number(2), oh < 24, om < 60 else { return nil }
            offsetSeconds = sign * (oh * 3600 + om * 60)
        } else {
            return nil
        }
        guard index == bytes.count else { return nil }
        let days = CivilCalendar.days(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetSeconds)
        return seconds * 1_000_000 + Int64(micros)
    }
}

extension Timestamp {
    /// Parses exactly the wire form `YYYY-MM-DDTHH:MM:SS.ffffffZ` (27 bytes) from raw
    /// bytes, without allocating: the load generator's per-frame path. Nil for anything
    /// else (use `parseISO8601(_:)` for the lenient forms).
    @inlinable
    public static func parseISO8601(bytes: UnsafeRawBufferPointer) -> Int64? {
        guard bytes.count == 27 else { return nil }
        @inline(__always) func digits(_ start: Int, _ count: Int) -> Int {
            var value = 0
            for index in start..<(start + count) {
                let digit = Int(bytes[index]) &- 48
                if digit < 0 || digit > 9 { return -1 }
                value = value &* 10 &+ digit
            }
            return value
        }
        guard bytes[4] == 45, bytes[7] == 45, bytes[10] == 84, bytes[13] == 58, bytes[16] == 58, bytes[19] == 46,
            bytes[26] == 90
        else { return nil }
        let year = digits(0, 4)
        let month = digits(5, 2)
        let day = digits(8, 2)
        let hour = digits(11, 2)
        let minute = digits(14, 2)
        let second = digits(17, 2)
        let micros = digits(20, 6)
        guard year >= 0, month >= 1, month <= 12, day >= 1, day <= 31, hour >= 0, hour < 24, minute >= 0, minute < 60,
            second >= 0, second < 61, micros >= 0
        else { return nil }
        let days = CivilCalendar.days(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        return seconds * 1_000_000 + Int64(micros)
    }
}
