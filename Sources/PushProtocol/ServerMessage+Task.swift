import JSON

/// The task stream's messages (`/api/ws/tasks/{task_id}`; its heartbeat is the
/// notification stream's `heartbeat`). Their body sits under `data`, as in the system
/// the task stream replaces, so its clients read them unchanged.
extension ServerMessage {
    /// A running task's state. Every field is present; what the producer did not report
    /// is `null` (`message` is then empty).
    public static func taskProgress(
        taskID: String, message text: String, step: Int?, totalSteps: Int?, progress: Double?, timestamp: Int64
    ) -> [UInt8] {
        message("progress") { writer in
            writer.key("data")
            writer.beginObject()
            writer.key("task_id")
            writer.string(taskID)
            writer.key("message")
            writer.string(text)
            writer.key("step")
            if let step { writer.int(step) } else { writer.null() }
            writer.key("total_steps")
            if let totalSteps { writer.int(totalSteps) } else { writer.null() }
            writer.key("progress")
            if let progress { writer.double(progress) } else { writer.null() }
            writer.key("timestamp")
            writer.timestamp(microseconds: timestamp)
            writer.endObject()
        }
    }

    /// The task finished; `result` (any JSON) only when the producer gave one.
    public static func taskCompleted(taskID: String, message text: String, result: JSONValue?, timestamp: Int64) -> [UInt8] {
        message("completed") { writer in
            writer.key("data")
            writer.beginObject()
            writer.key("task_id")
            writer.string(taskID)
            writer.key("message")
            writer.string(text)
            if let result {
                writer.key("result")
                writer.value(result)
            }
            writer.key("timestamp")
            writer.timestamp(microseconds: timestamp)
            writer.endObject()
        }
    }

    /// The task failed: an `error` a price-stream client understands (`code` is
    /// `task_failed`, `message` the producer's), with the task's details under `data` like
    /// the other task messages; `data.code` is the producer's own code (default
    /// `task_failed`).
    public static func taskFailed(taskID: String, code: String, message text: String, timestamp: Int64) -> [UInt8] {
        message("error") { writer in
            writer.key("code")
            writer.string(ErrorCode.taskFailed.rawValue)
            writer.key("message")
            writer.string(text)
            writer.key("data")
            writer.beginObject()
            writer.key("task_id")
            writer.string(taskID)
            writer.key("code")
            writer.string(code)
            writer.key("message")
            writer.string(text)
            writer.key("timestamp")
            writer.timestamp(microseconds: timestamp)
            writer.endObject()
        }
    }
}
