import Glibc

/// The project's one blocking sleep, for worker threads and command-line tools
/// (never an event loop, which waits in epoll instead).
public enum ThreadSleep {
    /// Blocks the calling thread for `seconds` (nothing for zero, negative or NaN),
    /// resuming after signals until the whole time has passed.
    public static func sleep(_ seconds: Double) {
        guard seconds > 0 else { return }
        let whole = min(seconds.rounded(.down), Double(Int32.max))
        var request = timespec(tv_sec: Int(whole), tv_nsec: Int(min(seconds - whole, 0.999_999_999) * 1e9))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }
}
