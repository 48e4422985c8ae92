import JSON
import Redis
import TestSupport
import Testing

@testable import StockPush

/// The tasks' Redis script on a real Redis: creation needs an owner, the owner is fixed,
/// a finished task takes no more reports, a report heard twice is applied once, TTLs.
@Suite struct TaskStoreTests {
    let connection: RedisConnection
    let store: TaskStore

    init() throws {
        connection = try RedisConnection.connect(try RedisURL(TestEnvironment.redisURL))
        store = TaskStore(prefix: TestEnvironment.uniqueName("tasks"), runningTTL: 500, finishedTTL: 50)
    }

    func apply(_ json: String, id reportID: String, task: String = "t1") throws -> TaskStore.Outcome {
        let report = try TaskReport(json: JSONParser.parse(json), taskID: task)
        let message = report.wireMessage(at: 0)
        return try TaskStore.outcome(
            connection.command(store.apply(report, reportID: reportID, message: message)), taskID: task)
    }

    func ttl(_ task: String = "t1") throws -> Int { try connection.command("TTL", store.key(task)).int ?? -3 }

    @Test func aTaskIsCreatedOnlyWithAnOwnerAndKeepsIt() throws {
        defer { connection.close() }
        #expect(try apply(#"{"status":"running"}"#, id: "r1") == .unknownTask)
        #expect(try TaskStore.fetched(connection.command(store.fetch("t1")), taskID: "t1") == nil)
        guard case .applied(let first) = try apply(#"{"owner":"alice","status":"running","step":1}"#, id: "r2") else {
            Issue.record("not applied")
            return
        }
        #expect(first.owner == "alice" && first.seq == 1 && first.status == .running)
        #expect(try apply(#"{"owner":"bob","status":"running"}"#, id: "r3") == .ownerMismatch(owner: "alice"))
        guard case .applied(let second) = try apply(#"{"status":"running","step":2}"#, id: "r4") else {
            Issue.record("not applied")
            return
        }
        #expect(second.seq == 2 && second.owner == "alice")
        #expect(try TaskStore.fetched(connection.command(store.fetch("t1")), taskID: "t1") == second)
        let running = try ttl()
        #expect(running > 50 && running <= 500, "TASK_TTL while running")
    }

    @Test func aReportHeardTwiceIsAppliedOnceAndAnswersTheSame() throws {
        defer { connection.close() }
        let once = try apply(#"{"owner":"alice","status":"running","step":1}"#, id: "same")
        let twice = try apply(#"{"owner":"alice","status":"running","step":1}"#, id: "same")
        #expect(once == twice)
        guard case .applied(let event) = twice else {
            Issue.record("not applied")
            return
        }
        #expect(event.seq == 1, "the second run read the first one's decision")
    }

    @Test func aFinishedTaskTakesNoMoreReportsAndExpiresSooner() throws {
        defer { connection.close() }
        _ = try apply(#"{"owner":"alice","status":"running"}"#, id: "a")
        guard case .applied(let done) = try apply(#"{"status":"completed","result":7}"#, id: "b") else {
            Issue.record("not applied")
            return
        }
        #expect(try apply(#"{"status":"running"}"#, id: "c") == .finished(done))
        let left = try ttl()
        #expect(left > 0 && left <= 50, "TASK_DONE_TTL once finished")
    }
}
