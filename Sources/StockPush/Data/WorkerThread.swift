import Reactor
import Retry
import Synchronization

/// A named thread for blocking work (libpq, hiredis, a quote feed) with a cooperative
/// stop: the body polls `isStopping` and sleeps through `sleep`, which wakes early.
public final class WorkerThread: Sendable {
    private let stopping = Atomic<Bool>(false)
    private let thread = Mutex<LoopThread?>(nil)

    public init() {}

    public var isStopping: Bool { stopping.load(ordering: .acquiring) }

    /// Starts `body` on a new thread; it should return soon after `isStopping`.
    public func start(name: String, _ body: @escaping () -> Void) throws {
        let started = try LoopThread(name: name, body: body)
        thread.withLock { $0 = started }
    }

    /// Asks the body to finish and waits until it has.
    public func stop() {
        stopping.store(true, ordering: .releasing)
        let running = thread.withLock { thread -> LoopThread? in
            defer { thread = nil }
            return thread
        }
        running?.join()
    }

    /// Sleeps up to `seconds` in short naps, returning early once stopping.
    public func sleep(_ seconds: Double) {
        let deadline = MonotonicClock.now() &+ UInt64(max(0, seconds) * 1e9)
        while !isStopping {
            let now = MonotonicClock.now()
            guard now < deadline else { return }
            ThreadSleep.sleep(min(0.05, Double(deadline - now) / 1e9))
        }
    }
}
