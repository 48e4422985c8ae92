/// What `serve` has started so far, to stop (newest first) when a later step fails.
///
/// The process must not exit while those threads are still inside libpq or hiredis: exit
/// tears down library state under them (libkrb5's thread-local keys, for one) and a
/// start that should fail with a message and status 1 can abort instead.
struct StartupRollback {
    private var stops: [() -> Void] = []

    mutating func started(_ stop: @escaping () -> Void) {
        stops.append(stop)
    }

    func stopAll() {
        for stop in stops.reversed() { stop() }
    }
}
