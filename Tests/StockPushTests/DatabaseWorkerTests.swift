import Postgres
import Synchronization
import Telemetry
import TestSupport
import Testing

@testable import StockPush

/// Queries run off the caller's thread, complete exactly once, and an outage answers
/// within the wait instead of hanging; a full queue and a stopped worker refuse at once.
@Suite struct DatabaseWorkerTests {
    let logger = Logger(label: "test", minimumLevel: .error)

    /// Waits for one completion (the tests' stand-in for an HTTP responder).
    final class Outcome<R: Sendable>: Sendable {
        let value = Mutex<Result<R, DatabaseJobError>?>(nil)

        func wait(_ seconds: Double = 10) -> Result<R, DatabaseJobError>? {
            _ = TestEnvironment.eventually(within: seconds) { value.withLock { $0 != nil } }
            return value.withLock { $0 }
        }
    }

    @Test func runsQueriesOnItsOwnThreadInOrder() throws {
        let worker = DatabaseWorker(url: try TestEnvironment.migratedDatabase(), logger: logger)
        try worker.start()
        defer { worker.stop() }
        let results = Mutex<[Int]>([])
        let outcome = Outcome<Int>()
        for index in 1...5 {
            worker.submit({ connection throws(PostgresError) in
                try connection.query("SELECT $1::int AS n", [.int(index)])[0].decode("n", as: Int.self)
            }) { result in
                if case .success(let value) = result { results.withLock { $0.append(value) } }
                if index == 5 { outcome.value.withLock { $0 = result } }
            }
        }
        #expect(try outcome.wait()?.get() == 5)
        #expect(results.withLock { $0 } == [1, 2, 3, 4, 5])
    }

    @Test func aFailingStatementIsReportedAndTheNextOneRuns() throws {
        let worker = DatabaseWorker(url: try TestEnvironment.migratedDatabase(), logger: logger)
        try worker.start()
        defer { worker.stop() }
        let failed = Outcome<Int>()
        worker.submit({ connection throws(PostgresError) in try connection.execute("SELECT * FROM missing_table") }) {
            failed.value.withLock { [result = $0] in $0 = result }
        }
        guard case .failure(.failed(let error)) = failed.wait() else {
            Issue.record("no failure")
            return
        }
        #expect(!error.isConnectionError)
        let next = Outcome<Int>()
        worker.submit({ connection throws(PostgresError) in try connection.execute("SELECT 1") }) { result in
            next.value.withLock { $0 = result }
        }
        #expect((try? next.wait()?.get()) != nil)
    }

    @Test func anUnreachableDatabaseAnswersUnavailableWithinTheWait() throws {
        let url = try PostgresURL("postgres://nobody@127.0.0.1:1/none")
        let worker = DatabaseWorker(url: url, logger: logger, maxWait: 0.5)
        try worker.start()
        defer { worker.stop() }
        let outcomes = (0..<3).map { _ in Outcome<Int>() }
        let (_, seconds) = TestEnvironment.timed {
            for outcome in outcomes {
                worker.submit({ connection throws(PostgresError) in try connection.execute("SELECT 1") }) { result in
                    outcome.value.withLock { $0 = result }
                }
            }
            for outcome in outcomes { _ = outcome.wait() }
        }
        for outcome in outcomes {
            guard case .failure(.unavailable) = outcome.wait(0) else {
                Issue.record("not unavailable")
                continue
            }
        }
        #expect(seconds < 4, "every queued job fails within its own wait, not one wait after another")
    }

    @Test func aFullQueueAndAStoppedWorkerRefuseAtOnce() throws {
        let url = try PostgresURL("postgres://nobody@127.0.0.1:1/none")
        let worker = DatabaseWorker(url: url, logger: logger, maxWait: 2, capacity: 1)
        let early = Outcome<Int>()
        worker.submit({ _ throws(PostgresError) in 1 }) { result in early.value.withLock { $0 = result } }
        #expect(early.wait(0) == .failure(.stopped), "not started yet")
        try worker.start()
        let outcomes = (0..<3).map { _ in Outcome<Int>() }
        for outcome in outcomes {
            worker.submit({ connection throws(PostgresError) in try connection.execute("SELECT 1") }) { result in
                outcome.value.withLock { $0 = result }
            }
        }
        #expect(outcomes.contains { $0.wait(0) == .failure(.busy(capacity: 1)) })
        worker.stop()
        for outcome in outcomes { #expect(outcome.wait(0) != nil, "every job is answered, stopped ones too") }
    }

    /// A statement stuck on a server that stopped answering (here: pg_sleep) cannot be
    /// interrupted, but its request is answered anyway, and so is the one queued behind it.
    @Test func aStalledStatementIsAnsweredByTheWatchdog() throws {
        let worker = DatabaseWorker(url: try TestEnvironment.migratedDatabase(), logger: logger, maxWait: 0.5)
        try worker.start()
        defer { worker.stop() }
        let stalled = Outcome<Int>()
        let behind = Outcome<Int>()
        let (_, seconds) = TestEnvironment.timed {
            worker.submit({ connection throws(PostgresError) in try connection.execute("SELECT pg_sleep(6)") }) { result in
                stalled.value.withLock { $0 = result }
            }
            worker.submit({ connection throws(PostgresError) in try connection.execute("SELECT 1") }) { result in
                behind.value.withLock { $0 = result }
            }
            _ = stalled.wait()
            _ = behind.wait()
        }
        guard case .failure(.unavailable) = stalled.wait(0), case .failure(.unavailable) = behind.wait(0) else {
            Issue.record(
                "not answered as unavailable: \(String(describing: stalled.wait(0))), \(String(describing: behind.wait(0)))")
            return
        }
        #expect(seconds < 0.5 + DatabaseWorker.stallGrace + 1)
    }
}
