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

    /// While PostgreSQL is away entries wait in memory: the queue is bounded in bytes, so
    /// a burst of huge details cannot grow the process (300 × 1 MB took it to 331 MB).
    @Test func theQueueIsBoundedInBytesAndKeepsTheNewest() throws {
        let url = try PostgresURL("postgres://nobody@127.0.0.1:1/none")
        let audit = AuditLog(url: url, logger: Logger(label: "test", minimumLevel: .error), capacityBytes: 4 << 20)
        let huge = #"{"message":""# + String(repeating: "x", count: 1 << 20) + #""}"#
        for _ in 0..<300 { audit.record("broadcast", detail: huge) }
        audit.record("disconnect", detail: #"{"client_id":"c_1"}"#)
        let pending = audit.pending
        #expect(pending.bytes <= 4 << 20)
        #expect(pending.entries >= 2 && pending.entries <= 4)
        #expect(pending.newest?.action == "disconnect")
        #expect(pending.dropped == 301 - pending.entries)
    }

    @Test func anEntryLargerThanTheWholeQueueIsDropped() throws {
        let url = try PostgresURL("postgres://nobody@127.0.0.1:1/none")
        let audit = AuditLog(url: url, logger: Logger(label: "test", minimumLevel: .error), capacityBytes: 1024)
        audit.record("disconnect", detail: #"{"client_id":"c_1"}"#)
        audit.record("broadcast", detail: #"{"message":""# + String(repeating: "x", count: 2048) + #""}"#)
        #expect(audit.pending.entries == 1)
        #expect(audit.pending.newest?.action == "disconnect")
        #expect(audit.pending.dropped == 1)
    }
}
