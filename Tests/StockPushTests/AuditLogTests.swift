import Postgres
import Telemetry
import TestSupport
import Testing

@testable import StockPush

@Suite struct AuditLogTests {
    @Test func recordsAdminActionsInPostgreSQL() throws {
        let url = try TestEnvironment.freshDatabase()
        let connection = try PostgresConnection.connect(url)
        defer { connection.close() }
        try Migrator(directory: TestEnvironment.migrationsDirectory).migrate(connection) { _ in }
        let audit = AuditLog(url: url, logger: Logger(label: "test", minimumLevel: .error))
        try audit.start()
        audit.record("disconnect", detail: #"{"client_id":"c_00000100"}"#)
        audit.record("broadcast", actor: "ops", detail: #"{"message":"hello","sent":3}"#)
        let arrived = TestEnvironment.eventually(within: 5) {
            (try? connection.query("SELECT count(*) AS n FROM admin_audit")[0].decode("n", as: Int.self)) == 2
        }
        audit.stop()
        #expect(arrived)
        let rows = try connection.query("SELECT action, actor, detail->>'message' AS message FROM admin_audit ORDER BY id")
        #expect(try rows.map { try $0.decode("action", as: String.self) } == ["disconnect", "broadcast"])
        #expect(try rows[1].decode("actor", as: String.self) == "ops")
        #expect(try rows[1].decode("message", as: String.self) == "hello")
    }
}
