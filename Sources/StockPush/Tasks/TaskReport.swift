import JSON
import PushProtocol

/// A producer's report, checked: the body of `POST /api/tasks/{task_id}/progress`, or
/// the same plus `task_id` as a message on the Redis channel `P:tasks`.
struct TaskReport: Sendable, Equatable {
    var taskID: String
    /// Required to create the task; for an existing one it must name its owner.
    var owner: String?
    var status: TaskStatus
    var message: String
    var step: Int?
    var totalSteps: Int?
    /// 0–100; derived from `step` / `total_steps` when only they are given.
    var progress: Double?
    /// Any JSON, with `completed` only.
    var result: JSONValue?
    /// The producer's failure code, with `error` only (default `task_failed`).
    var code: String?
    /// Names the report so the instances that all hear it on the channel store it once;
    /// without it the channel path uses the payload's digest.
    var reportID: String?

    static let maxMessage = 4000
    static let maxOwner = 256

    /// Why a report is refused; `field` names what to fix.
    struct Invalid: Error, Equatable, Sendable, CustomStringConvertible {
        let field: String
        let reason: String
        var description: String { "\(field): \(reason)" }
    }

    /// `taskID` comes from the route; nil: from the body's `task_id` (the channel path).
    init(json value: JSONValue, taskID routeTaskID: String? = nil) throws(Invalid) {
        guard value.objectValue != nil else { throw Invalid(field: "body", reason: "must be a JSON object") }
        if let routeTaskID {
            taskID = routeTaskID
        } else {
            guard let id = value["task_id"]?.stringValue else { throw Invalid(field: "task_id", reason: "is required") }
            guard TaskID.isValid(id) else { throw Invalid(field: "task_id", reason: "must be \(TaskID.rule)") }
            taskID = id
        }
        owner = try Self.text(value, "owner", max: Self.maxOwner)
        if owner?.isEmpty == true { throw Invalid(field: "owner", reason: "must not be empty") }
        guard let statusText = try Self.text(value, "status", max: 16) else {
            throw Invalid(field: "status", reason: "is required: running, completed or error")
        }
        guard let status = TaskStatus(rawValue: statusText) else {
            throw Invalid(field: "status", reason: "must be running, completed or error")
        }
        self.status = status
        message = try Self.text(value, "message", max: Self.maxMessage) ?? ""
        step = try Self.count(value, "step", minimum: 0)
        totalSteps = try Self.count(value, "total_steps", minimum: 1)
        if let step, let totalSteps, step > totalSteps {
            throw Invalid(field: "step", reason: "must not exceed total_steps")
        }
        progress = try Self.percentage(value) ?? Self.derived(step, totalSteps)
        result = value["result"].flatMap { $0.isNull ? nil : $0 }
        if result != nil && status != .completed { throw Invalid(field: "result", reason: "is only for status completed") }
        code = try Self.text(value, "code", max: 64)
        if let code, code.isEmpty || status != .error {
            throw Invalid(field: "code", reason: code.isEmpty ? "must not be empty" : "is only for status error")
        }
        reportID = try Self.text(value, "report_id", max: 128)
    }

    /// The message the task's stream sends for this report, stamped `timestamp` (µs).
    func wireMessage(at timestamp: Int64) -> [UInt8] {
        switch status {
        case .running:
            ServerMessage.taskProgress(
                taskID: taskID, message: message, step: step, totalSteps: totalSteps, progress: progress,
                timestamp: timestamp)
        case .completed:
            ServerMessage.taskCompleted(taskID: taskID, message: message, result: result, timestamp: timestamp)
        case .error:
            ServerMessage.taskFailed(
                taskID: taskID, code: code ?? ErrorCode.taskFailed.rawValue,
                message: message.isEmpty ? "task failed" : message, timestamp: timestamp)
        }
    }

    private static func text(_ value: JSONValue, _ field: String, max: Int) throws(Invalid) -> String? {
        guard let member = value[field], !member.isNull else { return nil }
        guard let text = member.stringValue else { throw Invalid(field: field, reason: "must be a string") }
        guard text.unicodeScalars.count <= max else { throw Invalid(field: field, reason: "longer than \(max) characters") }
        return text
    }

    private static func count(_ value: JSONValue, _ field: String, minimum: Int) throws(Invalid) -> Int? {
        guard let member = value[field], !member.isNull else { return nil }
        guard let number = member.intValue, number >= minimum, number <= 1_000_000_000 else {
            throw Invalid(field: field, reason: "must be an integer of at least \(minimum)")
        }
        return number
    }

    private static func percentage(_ value: JSONValue) throws(Invalid) -> Double? {
        guard let member = value["progress"], !member.isNull else { return nil }
        guard let number = member.doubleValue, number >= 0, number <= 100 else {
            throw Invalid(field: "progress", reason: "must be a number from 0 to 100")
        }
        return number
    }

    /// `step` of `total_steps` as a percentage with two decimals.
    private static func derived(_ step: Int?, _ totalSteps: Int?) -> Double? {
        guard let step, let totalSteps else { return nil }
        return (Double(step) * 10_000 / Double(totalSteps)).rounded() / 100
    }
}
