import JSON
import Testing

@testable import StockPush

/// The pure parts of the task bus and its settings: how an HTTP report travels the
/// channel, and `TASK_TTL` / `TASK_DONE_TTL`.
@Suite struct TaskBusTests {
    @Test func anHTTPReportTravelsTheChannelUnderItsRouteTaskAndReportID() throws {
        let body = try JSONParser.parse(#"{"task_id":"spoofed","report_id":"x","via":"redis","status":"running","step":1}"#)
        let envelope = TaskBus.envelope(body, taskID: "t1", reportID: "node-1.5.7")
        #expect(
            String(decoding: envelope, as: UTF8.self)
                == #"{"task_id":"t1","report_id":"node-1.5.7","via":"http","status":"running","step":1}"#)
        let heard = try TaskReport(json: JSONParser.parse(envelope))
        #expect(heard.taskID == "t1" && heard.reportID == "node-1.5.7" && heard.step == 1)
    }

    @Test func theTTLsComeFromTheEnvironmentAndMustBePositive() throws {
        let defaults = try TaskConfiguration(
            from: Options(arguments: [], specs: ServeCommand.options, environment: [:]))
        #expect(defaults == TaskConfiguration())
        #expect(defaults.runningTTL == 86_400 && defaults.finishedTTL == 600)
        let set = try TaskConfiguration(
            from: Options(arguments: [], specs: ServeCommand.options, environment: ["TASK_TTL": "60", "TASK_DONE_TTL": "5"]))
        #expect(set.runningTTL == 60 && set.finishedTTL == 5)
        #expect(throws: UsageError.self) {
            try TaskConfiguration(
                from: Options(arguments: ["--task-done-ttl", "0"], specs: ServeCommand.options, environment: [:]))
        }
    }
}
