import JSON
import Testing

@testable import StockPush

/// Producers' reports: what is accepted, the field each refusal names, the stream's message.
@Suite struct TaskReportTests {
    func report(_ text: String, taskID: String? = "t1") throws -> TaskReport {
        try TaskReport(json: JSONParser.parse(text), taskID: taskID)
    }

    func refusal(_ text: String, taskID: String? = "t1") -> String? {
        do {
            _ = try report(text, taskID: taskID)
            return nil
        } catch let invalid as TaskReport.Invalid {
            return invalid.field
        } catch {
            return "not JSON"
        }
    }

    @Test func aRunningReportDerivesItsPercentage() throws {
        let running = try report(#"{"owner":"alice","status":"running","step":1,"total_steps":3,"message":"parsing"}"#)
        #expect(running.owner == "alice" && running.status == .running && running.progress == 33.33)
        let text = String(decoding: running.wireMessage(at: 0), as: UTF8.self)
        #expect(
            text
                == #"{"type":"progress","data":{"task_id":"t1","message":"parsing","step":1,"total_steps":3,"progress":33.33,"timestamp":"1970-01-01T00:00:00.000000Z"}}"#
        )
        let bare = try report(#"{"status":"running"}"#)
        #expect(
            String(decoding: bare.wireMessage(at: 0), as: UTF8.self)
                == #"{"type":"progress","data":{"task_id":"t1","message":"","step":null,"total_steps":null,"progress":null,"timestamp":"1970-01-01T00:00:00.000000Z"}}"#
        )
    }

    @Test func theEndMessagesCarryTheResultOrTheFailure() throws {
        let done = try report(#"{"status":"completed","message":"ok","result":{"rows":[1,2]}}"#)
        #expect(
            String(decoding: done.wireMessage(at: 0), as: UTF8.self)
                == #"{"type":"completed","data":{"task_id":"t1","message":"ok","result":{"rows":[1,2]},"timestamp":"1970-01-01T00:00:00.000000Z"}}"#
        )
        let failed = try report(#"{"status":"error","code":"parse_error"}"#)
        #expect(
            String(decoding: failed.wireMessage(at: 0), as: UTF8.self)
                == #"{"type":"error","code":"task_failed","message":"task failed","data":{"task_id":"t1","code":"parse_error","message":"task failed","timestamp":"1970-01-01T00:00:00.000000Z"}}"#
        )
    }

    @Test func theChannelFormNamesItsTask() throws {
        #expect(try report(#"{"task_id":"job:42","status":"running","report_id":"r1"}"#, taskID: nil).taskID == "job:42")
        #expect(refusal(#"{"status":"running"}"#, taskID: nil) == "task_id")
        #expect(refusal(#"{"task_id":"a b","status":"running"}"#, taskID: nil) == "task_id")
    }

    @Test(arguments: [
        (#"[]"#, "body"), (#"{}"#, "status"), (#"{"status":"done"}"#, "status"), (#"{"status":1}"#, "status"),
        (#"{"status":"running","owner":""}"#, "owner"), (#"{"status":"running","owner":5}"#, "owner"),
        (#"{"status":"running","step":-1}"#, "step"), (#"{"status":"running","step":1.5}"#, "step"),
        (#"{"status":"running","total_steps":0}"#, "total_steps"),
        (#"{"status":"running","step":4,"total_steps":3}"#, "step"),
        (#"{"status":"running","progress":100.5}"#, "progress"), (#"{"status":"running","progress":"1"}"#, "progress"),
        (#"{"status":"running","result":1}"#, "result"), (#"{"status":"completed","code":"x"}"#, "code"),
        (#"{"status":"error","code":""}"#, "code"), (#"{"status":"running","message":[]}"#, "message"),
    ])
    func aWrongFieldIsNamed(body: String, field: String) {
        #expect(refusal(body) == field)
    }

    @Test func taskIDsAreCheckedByTheirRule() {
        #expect(TaskID.isValid("a.b_c:d-9") && TaskID.isValid(String(repeating: "x", count: 128)))
        #expect(!TaskID.isValid("") && !TaskID.isValid(String(repeating: "x", count: 129)))
        #expect(!TaskID.isValid("a/b") && !TaskID.isValid("a b") && !TaskID.isValid("é"))
    }
}
