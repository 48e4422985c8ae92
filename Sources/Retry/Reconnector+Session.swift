/// The long-lived form of the reconnect loop, for worker threads that hold a connection
/// for as long as they run (the catalog's LISTEN, the publisher's SUBSCRIBE): the same
/// backoff and the same two log lines per outage as `connect`, with no deadline.
extension Reconnector {
    /// Runs `session` again and again until `stopping()` is true. A session connects,
    /// calls `up()` once it is established (that ends an outage: the recovery is logged
    /// and the backoff starts over), and then works until it fails or sees `stopping()`.
    /// After a failure, `failed` hears the error (e.g. to mark a dependency down) and the
    /// loop waits a backoff delay; an outage is logged when it starts.
    ///
    /// `sleep` should wake early when stopping (a worker thread's sleep does), so the
    /// loop ends promptly.
    public mutating func keepRunning(
        until stopping: () -> Bool, unavailable: (any Error) -> String, recovered: String,
        failed: (any Error) -> Void = { _ in }, _ session: (_ up: () -> Void) throws -> Void
    ) {
        let log = self.log
        while !stopping() {
            var down = inOutage
            var wasUp = false
            do {
                try session {
                    wasUp = true
                    if down { log(recovered) }
                    down = false
                }
                inOutage = down
                if wasUp { backoff.reset() }
            } catch {
                inOutage = down
                if wasUp { backoff.reset() }
                if stopping() { return }
                markDown(unavailable(error))
                failed(error)
                sleep(backoff.nextDelay())
            }
        }
    }
}
