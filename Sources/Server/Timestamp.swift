/// ISO 8601 UTC timestamps with microseconds ("2026-11-21T10:30:00.123456Z"), the
/// format of every timestamp on the wire. Civil-from-days arithmetic, no Foundation.
public enum Timestamp {
    public static func iso8601(microsecondsSinceEpoch micros: Int64) -> String {
        var buffer = [UInt8](repeating: 0, count: 27)
        write(microsecondsSinceEpoch: micros) { index, byte in buffer[index] = byte }
        return String(decoding: buffer, as: UTF8.self)
    }

    /// Calls `put(index, byte)` for the 27 bytes of the timestamp (no allocation).
    @inline(__always)
    public static func write(microsecondsSinceEpoch micros: Int64, _ put: (Int, UInt8) -> Void) {
        let fraction = Int(((micros % 1_000_000) + 1_000_000) % 1_000_000)
        let seconds = (micros - Int64(fraction)) / 1_000_000
        var days = Int(seconds / 86_400)
        var secondOfDay = Int(seconds % 86_400)
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        // Howard Hinnant's days-to-civil algorithm (public domain description).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)

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
