/// Where an event loop reads the time for its `now`, its timers and every timeout
/// measured against them. Production loops use the monotonic system clock; tests
/// inject a manual clock so timeouts are exercised without waiting for them.
public protocol LoopClock: AnyObject, Sendable {
    /// Monotonic nanoseconds (only differences are meaningful).
    func nanoseconds() -> UInt64
}

/// CLOCK_MONOTONIC: the clock of every loop unless a test gives another.
public final class SystemLoopClock: LoopClock {
    public static let shared = SystemLoopClock()

    private init() {}

    @inline(__always)
    public func nanoseconds() -> UInt64 { MonotonicClock.now() }
}
