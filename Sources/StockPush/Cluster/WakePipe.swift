import Glibc

/// Wakes a worker thread that sleeps in `wait` (a pipe: other threads write a byte,
/// the worker polls it with a timeout). For a worker that must answer queued requests
/// at once but also keep a timetable of its own (the cluster limits' heartbeat).
final class WakePipe: Sendable {
    private let readEnd: Int32
    private let writeEnd: Int32

    struct CreateError: Error, CustomStringConvertible {
        let errno: Int32
        var description: String { "cannot create a wake-up pipe: errno \(errno)" }
    }

    init() throws(CreateError) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw CreateError(errno: errno) }
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        readEnd = ends[0]
        writeEnd = ends[1]
    }

    deinit {
        _ = Glibc.close(readEnd)
        _ = Glibc.close(writeEnd)
    }

    /// Thread-safe. A full pipe already means "wake up", so EAGAIN is fine.
    func signal() {
        var byte: UInt8 = 1
        _ = Glibc.write(writeEnd, &byte, 1)
    }

    /// Sleeps until signalled or `milliseconds` pass, then clears the signals.
    func wait(milliseconds: Int32) {
        var entry = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
        _ = poll(&entry, 1, max(0, milliseconds))
        var sink = [UInt8](repeating: 0, count: 64)
        while Glibc.read(readEnd, &sink, sink.count) > 0 {}
    }
}
