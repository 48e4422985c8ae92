/// Follows the tick numbers an instance hears, so it notices a message it missed. A
/// tick message carries only what changed since the tick before it, so it may be
/// applied only on top of exactly that tick; anything else calls for a resync from
/// `latest` (which holds the sum of all ticks, read with its tick number).
public struct TickSequence: Sendable, Equatable {
    public enum Verdict: Sendable, Equatable {
        /// The next tick: apply its changes.
        case apply
        /// Already contained in the last resync (sent while it was read): drop it.
        case stale
        /// Ticks were missed, or the counter went back (Redis restarted empty or was
        /// flushed): resync from `latest`.
        case resync
    }

    /// The last tick applied or resynced to; nil before the first resync.
    public private(set) var last: Int64?
    /// Between a resync and the next applied tick, messages up to the resync's tick may
    /// still arrive: they were published while `latest` was being read.
    private var appliedSinceResync = false

    public init() {}

    /// The instance now holds `latest` as of `tick`.
    public mutating func resynced(at tick: Int64) {
        last = tick
        appliedSinceResync = false
    }

    /// What to do with the message of `tick`.
    public mutating func accept(_ tick: Int64) -> Verdict {
        guard let last else { return .resync }
        if tick == last &+ 1 {
            self.last = tick
            appliedSinceResync = true
            return .apply
        }
        if tick <= last && !appliedSinceResync { return .stale }
        return .resync
    }
}
