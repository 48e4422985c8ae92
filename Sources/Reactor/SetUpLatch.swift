import Glibc
import Synchronization

/// Waits until every loop has finished its set-up, collecting the first error.
final class SetUpLatch: Sendable {
    private struct State {
        var remaining: Int
        var error: (any Error)?
    }
    private let state: Mutex<State>

    init(count: Int) {
        state = Mutex(State(remaining: count, error: nil))
    }

    func arrive(error: (any Error)?) {
        state.withLock { state in
            state.remaining -= 1
            if state.error == nil { state.error = error }
        }
    }

    /// Polls: set-up takes microseconds, and this runs once at start.
    func wait() -> (any Error)? {
        while true {
            let (done, error) = state.withLock { ($0.remaining == 0, $0.error) }
            if done { return error }
            usleep(1000)
        }
    }
}
