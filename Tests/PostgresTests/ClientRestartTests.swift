import Postgres
import TestSupport
import Testing

@Suite struct ClientRestartTests {
    @Test(.timeLimit(.minutes(2)))
    func clientReconnectsAfterTheServerRestarts() throws {
        let cluster = try PrivateCluster()
        defer { cluster.destroy() }
        let url = try PostgresURL(try cluster.start())
        let log = LogRecorder()
        let client = PostgresClient(url: url, backoff: .init(initial: 0.05, maximum: 0.5), log: log.record)
        let table = TestEnvironment.uniqueName("restart")
        try client.withConnection { try $0.execute("CREATE TABLE \(table) (id int)") }
        #expect(client.isHealthy)

        try cluster.stop()
        do {
            try client.withConnection(deadlineSeconds: 1) { try $0.execute("INSERT INTO \(table) VALUES (1)") }
            Issue.record("the query succeeded with the server stopped")
        } catch {
            let postgresError = try #require(error as? PostgresError)
            #expect(postgresError.isConnectionError, "\(postgresError)")
        }
        #expect(!client.isHealthy)
        #expect(throws: PostgresError.self) {
            try client.withConnection(deadlineSeconds: 0.5) { _ in }
        }
        #expect(!client.isHealthy)

        try cluster.start()
        let count = try client.withConnection { connection in
            try connection.execute("INSERT INTO \(table) VALUES (1)")
            return try connection.query("SELECT count(*) AS n FROM \(table)")[0].decode("n", as: Int.self)
        }
        #expect(count == 1)
        #expect(client.isHealthy)
        #expect(log.all.contains { $0.contains("reconnected") })
        #expect(log.all.count <= 3, "\(log.all)")
    }
}
