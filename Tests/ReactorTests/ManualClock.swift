import Reactor
import Synchronization

/// A loop clock that moves only when a test moves it, so timeouts are exercised
/// without waiting for them. (Kept in step with its twin in the other test target
/// until a shared test-support target holds one copy.)
final class ManualClock: LoopClock {
    private let current: Atomic<UInt64>

    init(startingAt start: UInt64 = 1_000_000_000) {
        current = Atomic(start)
    }

    func nanoseconds() -> UInt64 { current.load(ordering: .acquiring) }

    func advance(seconds: Double) {
        current.add(UInt64(seconds * 1_000_000_000), ordering: .acquiringAndReleasing)
    }
}
