import Retry

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
        let url = url
        do throws(PostgresError) {
            let fresh = try reconnector.connect(
                deadlineSeconds: deadlineSeconds,
                unavailable: { "PostgreSQL unavailable (\($0)); retrying for up to \(deadlineSeconds) s per call" },
                recovered: "PostgreSQL reconnected at \(url.redacted)"
            ) { remaining throws(PostgresError) in
                try PostgresConnection.connect(url, connectTimeoutSeconds: Int(min(5, max(2, remaining))))
            }
            isHealthy = true
            connection = fresh
            return fresh
        } catch {
            isHealthy = false
            throw error
        }
    }

    private func drop(reason: String) {
        isHealthy = false
        reconnector.connectionLost("PostgreSQL connection lost: \(reason)")
        close()
    }
}
