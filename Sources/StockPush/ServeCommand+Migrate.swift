import Postgres
import Retry
import Telemetry

extension ServeCommand {
    /// At start PostgreSQL may still be coming up (compose, systemd): retry for a while.
    /// Only a lost or refused connection is retried; a migration that fails on its own
    /// (an edited file, bad SQL) is an answer, not an outage, and ends the start.
    static func migrateWithRetry(_ data: DataConfiguration, logger: Logger) throws {
        var reconnector = Reconnector(backoff: Backoff(initial: 0.2, maximum: 5), log: { logger.warning($0) })
        let outcome = try reconnector.connect(
            deadlineSeconds: 60, unavailable: { "migrate: \($0); retrying" },
            recovered: "migrate: PostgreSQL at \(data.databaseURL.redacted) is reachable"
        ) { _ throws(PostgresError) -> Result<Void, any Error> in
            let connection = try PostgresConnection.connect(data.databaseURL, connectTimeoutSeconds: 5)
            defer { connection.close() }
            do {
                _ = try Migrator(directory: data.migrationsDirectory).migrate(connection) { logger.info($0) }
                return .success(())
            } catch let error as PostgresError where error.isConnectionError {
                throw error
            } catch {
                return .failure(error)
            }
        }
        try outcome.get()
    }
}
