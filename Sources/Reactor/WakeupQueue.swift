import CLinux
import Glibc
import Synchronization

/// The one door into a loop from other threads: a mutex-guarded job list plus an
/// eventfd that wakes the loop's epoll_wait. Everything else in a loop is single-threaded.
final class WakeupQueue: Sendable {
    typealias Job = @Sendable (EventLoop) -> Void

    private let jobs = Mutex<[Job]>([])
    let eventFD: Int32

    init() throws(ReactorError) {
        eventFD = try posixCallBlocking(function: "eventfd") { clinux_eventfd(0) }
    }

    deinit { _ = Glibc.close(eventFD) }

    /// Thread-safe. Writes the eventfd only when the list was empty: one wakeup per batch.
    func enqueue(_ job: @escaping Job) {
        let wasEmpty = jobs.withLock { list in
            list.append(job)
            return list.count == 1
        }
        if wasEmpty { signal() }
    }

    func signal() {
        var one: UInt64 = 1
        // EAGAIN means the counter is already non-zero: the loop will wake anyway.
        _ = withUnsafeBytes(of: &one) { Glibc.write(eventFD, $0.baseAddress, 8) }
    }

    /// Loop thread: clears the eventfd and takes every queued job.
    func drain() -> [Job] {
        var counter: UInt64 = 0
        _ = withUnsafeMutableBytes(of: &counter) { Glibc.read(eventFD, $0.baseAddress, 8) }
        return jobs.withLock { list in
            let taken = list
            list.removeAll(keepingCapacity: true)
            return taken
        }
    }
}
