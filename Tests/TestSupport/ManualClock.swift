import Synchronization

/// Time that moves only when a test says so: code under test reads `now` and asks to
/// `sleep`, the test sees every sleep and no test waits for real. Thread-safe.
public final class ManualClock: Sendable {
    private let state: Mutex<(nanoseconds: UInt64, sleeps: [Double])>

    public init(nanoseconds: UInt64 = 0) {
        state = Mutex((nanoseconds: nanoseconds, sleeps: []))
    }

    /// Nanoseconds since the clock's origin.
    public var nanoseconds: UInt64 { state.withLock { $0.nanoseconds } }

    /// Seconds since the clock's origin.
    public var seconds: Double { Double(nanoseconds) / 1e9 }

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
