/// A notification's id: its Redis stream entry id, `<ms>-<seq>`. Checked before it
/// reaches a Redis command, so a client's `ack` cannot smuggle anything else in, and
/// ordered the way Redis orders them (by time, then sequence).
public enum NotificationID {
    public static func isValid(_ text: String) -> Bool { parts(text) != nil }

    /// Whether `a` was queued before `b` (both valid).
    public static func precedes(_ a: String, _ b: String) -> Bool {
        guard let left = parts(a), let right = parts(b) else { return a < b }
        return left.time != right.time ? left.time < right.time : left.sequence < right.sequence
    }

    private static func parts(_ text: String) -> (time: UInt64, sequence: UInt64)? {
        let pieces = text.utf8.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        guard pieces.count == 2, let time = number(pieces[0]), let sequence = number(pieces[1]) else { return nil }
        return (time, sequence)
    }

    private static func number(_ digits: Substring.UTF8View.SubSequence) -> UInt64? {
        guard (1...20).contains(digits.count) else { return nil }
        var value: UInt64 = 0
        for digit in digits {
            guard digit >= 48 && digit <= 57 else { return nil }
            let (times, overflowTimes) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowSum) = times.addingReportingOverflow(UInt64(digit - 48))
            guard !overflowTimes, !overflowSum else { return nil }
            value = sum
        }
        return value
    }
}
