import Glibc

extension PostgresClient {
    /// Runs `body` with a live connection, connecting first when needed (retrying with backoff for up to
    /// `deadlineSeconds`). When the connection dies in `body`, it is dropped and the error rethrown:
    /// the caller decides whether to repeat the work, and its next call reconnects.
    @discardableResult
    public func withConnection<R>(deadlineSeconds: Double = 10, _ body: (PostgresConnection) throws -> R) throws -> R {
        let connection = try liveConnection(deadlineSeconds: deadlineSeconds)
        do {
            let value = try body(connection)
            isHealthy = true
            return value
        } catch {
            if !connection.isConnected || (error as? PostgresError)?.isConnectionError == true {
                drop(reason: "\(error)")
            }
            throw error
        }
    }

    private func liveConnection(deadlineSeconds: Double) throws(PostgresError) -> PostgresConnection {
        if let connection, connection.isConnected { return connection }
        if connection != nil { drop(reason: "the connection is no longer usable") }
        let clock = ContinuousClock()
        let deadline = clock.now + .milliseconds(Int64(max(0, deadlineSeconds) * 1000))
        while true {
            let remaining = clock.now.duration(to: deadline).components.seconds
            do throws(PostgresError) {
                let fresh = try PostgresConnection.connect(url, connectTimeoutSeconds: Int(min(5, max(2, remaining))))
                if outageLogged { log("PostgreSQL reconnected at \(url.redacted)") }
                outageLogged = false
                backoff.reset()
                isHealthy = true
                connection = fresh
                return fresh
            } catch {
                isHealthy = false
                if !outageLogged {
                    log("PostgreSQL unavailable (\(error)); retrying for up to \(deadlineSeconds) s per call")
                    outageLogged = true
                }
                let delay = backoff.nextDelay()
                guard clock.now + .milliseconds(Int64(delay * 1000)) < deadline else { throw error }
                Self.sleep(seconds: delay)
            }
        }
    }

    private func drop(reason: String) {
        isHealthy = false
        if !outageLogged {
            log("PostgreSQL connection lost: \(reason)")
            outageLogged = true
        }
        close()
    }

    private static func sleep(seconds: Double) {
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - Double(Int(seconds))) * 1e9))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0, errno == EINTR { request = remaining }
    }
}
