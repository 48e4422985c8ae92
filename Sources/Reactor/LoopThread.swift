import CLinux
import Glibc

/// A joinable OS thread (pthreads: no Foundation in the reactor).
public final class LoopThread: Sendable {
    private final class Start {
        let body: () -> Void
        let name: String
        init(name: String, body: @escaping () -> Void) {
            self.name = name
            self.body = body
        }
    }

    // Set once in init, read by join on the owning thread.
    nonisolated(unsafe) private var thread = pthread_t()

    /// Starts `body` on a new thread named `name` (at most 15 bytes are kept).
    /// `body` need not be Sendable: it is handed over, never shared.
    public init(name: String, body: @escaping () -> Void) throws(ReactorError) {
        let start = Unmanaged.passRetained(Start(name: name, body: body)).toOpaque()
        let result = pthread_create(
            &thread, nil,
            { argument in
                let start = Unmanaged<Start>.fromOpaque(argument!).takeRetainedValue()
                _ = start.name.withCString { clinux_set_thread_name($0) }
                start.body()
                return nil
            }, start)
        if result != 0 {
            Unmanaged<Start>.fromOpaque(start).release()
            throw .syscall(function: "pthread_create", errno: result)
        }
    }

    public func join() {
        _ = pthread_join(thread, nil)
    }
}
