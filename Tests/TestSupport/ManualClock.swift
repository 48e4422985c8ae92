import Reactor
import Synchronization

/// Time that moves only when a test says so: an event loop's clock (`LoopClock`) whose
/// timeouts run without waiting for them, and a stand-in for blocking sleeps, each of
/// which the test sees. Thread-safe.
public final class ManualClock: LoopClock {
    private let origin: UInt64
    private let state: Mutex<(nanoseconds: UInt64, sleeps: [Double])>

    /// Starts at `startingAt` monotonic nanoseconds (not zero by default, so code that
    /// treats 0 as "never" is not fooled).
    public init(startingAt start: UInt64 = 1_000_000_000) {
        origin = start
        state = Mutex((nanoseconds: start, sleeps: []))
    }

    /// Monotonic nanoseconds now (`LoopClock`).
    public func nanoseconds() -> UInt64 { state.withLock { $0.nanoseconds } }

    /// Seconds since the clock started.
    public var seconds: Double { Double(nanoseconds() - origin) / 1e9 }

    /// Moves time forward (never back).
    public func advance(seconds: Double) {
        precondition(seconds >= 0, "a manual clock never goes back")
        state.withLock { $0.nanoseconds += UInt64((seconds * 1e9).rounded()) }
    }

    /// A stand-in for a blocking sleep: records the request and advances time by it.
    public func sleep(_ seconds: Double) {
        state.withLock {
            $0.sleeps.append(seconds)
            $0.nanoseconds += UInt64((max(0, seconds) * 1e9).rounded())
        }
    }

    /// Every `sleep` so far, in order.
    public var sleeps: [Double] { state.withLock { $0.sleeps } }
}
