import Postgres
import TestSupport

/// The shared test database from `DATABASE_URL` (the project's test command always sets it).
/// Unset is a failure, not a skip, so a misconfigured run cannot pass silently.
func testDatabaseURL() throws -> PostgresURL {
    try PostgresURL(try TestEnvironment.databaseURL)
}

func connectToTestDatabase() throws -> PostgresConnection {
    try PostgresConnection.connect(try testDatabaseURL())
}
