import Postgres
import TestSupport
import Testing

@Suite struct TransactionTests {
    struct Abort: Error {}

    @Test func commitsWhenTheBodyReturns() throws {
        let connection = try connectToTestDatabase()
        let table = TestEnvironment.uniqueName("tx_commit")
        try connection.execute("CREATE TABLE \(table) (id int)")
        defer { _ = try? connection.execute("DROP TABLE IF EXISTS \(table)") }
        let inserted = try connection.transaction { connection in
            try connection.execute("INSERT INTO \(table) VALUES (1), (2)")
        }
        #expect(inserted == 2)
        let other = try connectToTestDatabase()
        #expect(try other.query("SELECT count(*) AS n FROM \(table)")[0].decode("n") == 2)
    }

    @Test func rollsBackAndRethrowsWhenTheBodyThrows() throws {
        let connection = try connectToTestDatabase()
        let table = TestEnvironment.uniqueName("tx_rollback")
        try connection.execute("CREATE TABLE \(table) (id int)")
        defer { _ = try? connection.execute("DROP TABLE IF EXISTS \(table)") }
        #expect(throws: Abort.self) {
            try connection.transaction { connection in
                try connection.execute("INSERT INTO \(table) VALUES (1)")
                throw Abort()
            }
        }
        #expect(try connection.query("SELECT count(*) AS n FROM \(table)")[0].decode("n") == 0)
        // The connection is back outside a transaction and usable.
        try connection.transaction { try $0.execute("INSERT INTO \(table) VALUES (3)") }
        #expect(try connection.query("SELECT count(*) AS n FROM \(table)")[0].decode("n") == 1)
    }

    @Test func aSwallowedStatementErrorFailsTheCommit() throws {
        let connection = try connectToTestDatabase()
        #expect {
            try connection.transaction { connection in
                _ = try? connection.query("SELECT 1/0")
            }
        } throws: { error in
            if case .queryFailed("25P02", _, _, _) = error as? PostgresError { return true }
            return false
        }
        #expect(try connection.query("SELECT 1 AS one")[0]["one"] == "1")
    }

    @Test func transactionsDoNotNest() throws {
        let connection = try connectToTestDatabase()
        #expect {
            try connection.transaction { connection in
                try connection.transaction { _ in }
            }
        } throws: { error in
            if case .queryFailed("25001", _, _, _) = error as? PostgresError { return true }
            return false
        }
    }
}
