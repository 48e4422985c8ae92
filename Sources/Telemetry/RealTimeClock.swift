import Glibc

/// CLOCK_REALTIME for log-line timestamps. Telemetry sits below the Reactor (whose
/// `WallClock` serves the wire format), so it reads the clock itself.
public enum RealTimeClock {
    /// Microseconds since the Unix epoch.
    @Sendable public static func nowMicroseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1000
    }
}
