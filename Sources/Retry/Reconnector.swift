/// The reconnect loop of the database clients: connect, and on failure wait a
/// backoff delay and try again until a deadline, logging an outage once when it
/// starts and once when it ends (a long outage is two log lines, not hundreds).
///
/// Blocking: it sleeps the calling thread, so it runs on worker threads only.
/// Time and sleep are injected so tests run the loop without waiting.
public struct Reconnector {
    public internal(set) var backoff: Backoff
    /// True from a failed attempt (or a lost connection) until the next success.
    public internal(set) var inOutage = false
    let log: (String) -> Void
    let sleep: (Double) -> Void
    private let now: () -> Double

    /// - Parameters:
    ///   - log: receives the outage and recovery lines.
    ///   - sleep: blocks for the given seconds; `ThreadSleep.sleep` unless testing.
    ///   - now: monotonic seconds from any origin; `ContinuousClock` unless testing.
    public init(
        backoff: Backoff, log: @escaping (String) -> Void, sleep: @escaping (Double) -> Void = ThreadSleep.sleep,
        now: @escaping () -> Double = Reconnector.continuousSeconds
    ) {
        self.backoff = backoff
        self.log = log
        self.sleep = sleep
        self.now = now
    }

    /// Calls `attempt` with the seconds left until the deadline (at least 0) until it
    /// succeeds. A failure is followed by a backoff delay, unless that delay would end
    /// at or past the deadline: then the failure is thrown.
    ///
    /// - Parameters:
    ///   - unavailable: the line logged at the first failure of an outage.
    ///   - recovered: the line logged at the first success after an outage.
    public mutating func connect<Connection, Failure: Error>(
        deadlineSeconds: Double, unavailable: (Failure) -> String, recovered: @autoclosure () -> String,
        _ attempt: (_ remainingSeconds: Double) throws(Failure) -> Connection
    ) throws(Failure) -> Connection {
        let deadline = now() + max(0, deadlineSeconds)
        while true {
            do throws(Failure) {
                let connection = try attempt(max(0, deadline - now()))
                if inOutage { log(recovered()) }
                inOutage = false
                backoff.reset()
                return connection
            } catch {
                markDown(unavailable(error))
                let delay = backoff.nextDelay()
                guard now() + delay < deadline else { throw error }
                sleep(delay)
            }
        }
    }

    /// Records that a live connection died; the line is logged unless an outage
    /// already is in progress. The next `connect` logs the recovery.
    public mutating func connectionLost(_ line: @autoclosure () -> String) {
        markDown(line())
    }

    mutating func markDown(_ line: @autoclosure () -> String) {
        guard !inOutage else { return }
        log(line())
        inOutage = true
    }

    /// Seconds on the continuous clock since the first call in this process.
    public static func continuousSeconds() -> Double {
        let elapsed = origin.duration(to: .now).components
        return Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
    }

    private static let origin = ContinuousClock.now
}
