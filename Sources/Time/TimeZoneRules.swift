/// One zone's UTC offsets over time, from its TZif file: the transitions it lists, then
/// the POSIX rule of its footer. Answers both ways: the offset at an instant, and the
/// instant of a local wall-clock time (what a market's "09:30" means on a given day).
public struct TimeZoneRules: Sendable, Equatable {
    public let name: String
    /// Transition instants, seconds since the epoch, ascending.
    let transitions: [Int64]
    /// The offset (seconds east of UTC) in effect from the transition at the same index.
    let offsets: [Int32]
    /// The offset before the first transition (time type 0).
    let initialOffset: Int
    /// What follows the last transition; nil in version 1 files.
    let footer: PosixTimeZone?

    init(name: String, transitions: [Int64], offsets: [Int32], initialOffset: Int, footer: PosixTimeZone?) {
        precondition(transitions.count == offsets.count)
        self.name = name
        self.transitions = transitions
        self.offsets = offsets
        self.initialOffset = initialOffset
        self.footer = footer
    }

    /// A zone with one offset forever (tests, and zones such as "Etc/GMT-8").
    public static func fixed(name: String, offsetSeconds: Int) -> TimeZoneRules {
        TimeZoneRules(
            name: name, transitions: [], offsets: [], initialOffset: offsetSeconds,
            footer: PosixTimeZone(standardOffset: offsetSeconds, daylight: nil))
    }

    /// Seconds east of UTC in effect at `seconds` since the epoch.
    public func offset(atUTC seconds: Int64) -> Int {
        if let last = transitions.last, seconds >= last {
            return footer?.offset(atUTC: seconds) ?? Int(offsets[offsets.count - 1])
        }
        if transitions.isEmpty { return footer?.offset(atUTC: seconds) ?? initialOffset }
        guard seconds >= transitions[0] else { return initialOffset }
        // The last transition at or before `seconds`.
        var low = 0
        var high = transitions.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if transitions[middle] <= seconds { low = middle } else { high = middle - 1 }
        }
        return Int(offsets[low])
    }

    /// The instant (seconds since the epoch) of local wall-clock `local` (seconds since
    /// the local epoch). A time repeated when clocks go back is its first occurrence; a
    /// time skipped when they go forward is read with the offset before the change, so
    /// it lands as far past the change as it was meant to be past the last valid time
    /// (02:30 on a US spring-forward day is 03:30 daylight time).
    public func utc(fromLocal local: Int64) -> Int64 {
        let before = offset(atUTC: local - 86_400)
        let after = offset(atUTC: local + 86_400)
        var best: Int64?
        for candidate in [before, after] {
            let instant = local - Int64(candidate)
            if offset(atUTC: instant) == candidate { best = min(best ?? instant, instant) }
        }
        return best ?? local - Int64(before)
    }

    /// Local wall-clock seconds (since the local epoch) at `seconds` since the epoch.
    public func local(fromUTC seconds: Int64) -> Int64 {
        seconds + Int64(offset(atUTC: seconds))
    }
}
