import CLinux

/// Shutdown signals are blocked in every thread and taken synchronously by one
/// waiter: no async-signal-safety concerns, no handler racing the loops.
public enum ShutdownSignals {
    /// Call on the main thread before any loop thread starts (threads inherit the mask).
    public static func block() {
        _ = clinux_block_shutdown_signals()
        _ = clinux_ignore_sigpipe()
    }

    /// Blocks until SIGINT, SIGTERM or SIGHUP arrives; returns its number.
    public static func wait() -> Int32 {
        clinux_wait_shutdown_signal()
    }
}
