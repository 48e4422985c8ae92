import Postgres
import TestSupport
import Testing

@Suite struct ConnectionFailureTests {
    @Test func badURLIsAUsageError() {
        #expect {
            try PostgresConnection.connect(try PostgresURL("postgres://[::1/oops"))
        } throws: { error in
            if case .invalidURL = error as? PostgresError { return true }
            return false
        }
    }

    @Test func unreachableServerFailsWithinTheTimeoutAndRedacts() throws {
        let unreachable = try ReservedPort()
        defer { withExtendedLifetime(unreachable) {} }
        let url = try PostgresURL("postgres://stockpush:s3cret@127.0.0.1:\(unreachable.port)/stockpush")
        let clock = ContinuousClock()
        let start = clock.now
        do {
            _ = try PostgresConnection.connect(url, connectTimeoutSeconds: 2)
            Issue.record("connected to a closed port")
        } catch {
            guard case .connectionFailed(let named, let message) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(named == url.redacted)
            #expect(named.contains("***") && !named.contains("s3cret"))
            #expect(!message.isEmpty)
            #expect(error.description.contains("127.0.0.1"))
        }
        #expect(clock.now - start < .seconds(3))
    }

    @Test func wrongDatabaseIsAConnectionFailure() throws {
        let base = try testDatabaseURL().redacted
        let url = try PostgresURL(String(base[..<base.lastIndex(of: "/")!]) + "/no_such_database_\(UInt16.random(in: 0...999))")
        #expect {
            try PostgresConnection.connect(url)
        } throws: { error in
            guard case .connectionFailed(_, let message) = error as? PostgresError else { return false }
            return message.contains("does not exist")
        }
    }

    @Test func clientGivesUpAfterItsDeadline() throws {
        let log = LogRecorder()
        let unreachable = try ReservedPort()
        defer { withExtendedLifetime(unreachable) {} }
        let client = PostgresClient(
            url: try PostgresURL("postgres://stockpush:s3cret@127.0.0.1:\(unreachable.port)/stockpush"),
            backoff: .init(initial: 0.05, maximum: 0.2), log: log.record)
        let clock = ContinuousClock()
        let start = clock.now
        #expect(throws: PostgresError.self) {
            try client.withConnection(deadlineSeconds: 1) { _ in }
        }
        #expect(clock.now - start < .seconds(3))
        #expect(!client.isHealthy)
        #expect(log.all.count == 1, "one log line per outage, not per attempt: \(log.all)")
        #expect(log.all.allSatisfy { !$0.contains("s3cret") })
    }
}
