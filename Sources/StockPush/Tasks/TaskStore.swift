import Redis

/// The tasks' Redis layout, under the deployment's prefix P:
///
/// | key | type | holds |
/// |---|---|---|
/// | `P:task:<id>` | hash | `owner`, `status`, `seq`, `message` (the stream's latest message); expires `TASK_TTL` after the last report while running, `TASK_DONE_TTL` once finished |
/// | `P:task:<id>:report:<report id>` | hash | what one report did (its outcome and the state it left), for `reportTTL` |
/// | `P:tasks` | channel | reports: from workers directly, and re-published by the instance that stored an HTTP report |
///
/// Every instance hears every report on the channel and runs the same script with it;
/// the report's record makes the first run decide and the others read that decision, so
/// all instances deliver the same state and the task is changed once. Pure: builds the
/// commands and reads their replies; the caller runs them where blocking is allowed.
struct TaskStore: Sendable {
    let prefix: String
    /// Seconds a running task is kept after its last report.
    let runningTTL: Int
    /// Seconds a finished task is kept.
    let finishedTTL: Int
    /// Seconds a report's record is kept: longer than any instance lags behind the channel.
    static let reportTTL = 300

    func key(_ taskID: String) -> String { "\(prefix):task:\(taskID)" }
    func reportKey(_ taskID: String, reportID: String) -> String { "\(prefix):task:\(taskID):report:\(reportID)" }
    var channel: String { "\(prefix):tasks" }

    /// What a report did.
    enum Outcome: Sendable, Equatable {
        case applied(TaskEvent)
        /// No such task and the report named no owner to create it with.
        case unknownTask
        /// The report named another owner than the task's.
        case ownerMismatch(owner: String)
        /// The task had already completed or failed; its final state.
        case finished(TaskEvent)
    }

    /// One EVAL applying `report` (stamped with `message`, its stream message) as `reportID`.
    func apply(_ report: TaskReport, reportID: String, message: [UInt8]) -> [[UInt8]] {
        [
            Array("EVAL".utf8), Array(Self.applyScript.utf8), Array("2".utf8), Array(key(report.taskID).utf8),
            Array(reportKey(report.taskID, reportID: reportID).utf8), Array((report.owner ?? "").utf8),
            Array(report.status.rawValue.utf8), message, Array(String(runningTTL).utf8), Array(String(finishedTTL).utf8),
            Array(String(Self.reportTTL).utf8),
        ]
    }

    static func outcome(_ reply: RedisValue, taskID: String) throws(RedisError) -> Outcome {
        guard let parts = reply.array, parts.count == 5, let outcome = parts[0].string, let owner = parts[1].string else {
            throw .unexpectedReply(expected: "[outcome, owner, status, seq, message]", got: reply.kind)
        }
        switch outcome {
        case "unknown": return .unknownTask
        case "owner_mismatch": return .ownerMismatch(owner: owner)
        case "applied", "finished":
            guard let event = event(taskID: taskID, owner: owner, Array(parts[2...])) else {
                throw .unexpectedReply(expected: "a stored task state", got: reply.kind)
            }
            return outcome == "applied" ? .applied(event) : .finished(event)
        default:
            throw .unexpectedReply(expected: "applied, unknown, owner_mismatch or finished", got: "status \(outcome)")
        }
    }

    /// HMGET of the task's stored state.
    func fetch(_ taskID: String) -> [[UInt8]] {
        ["HMGET", key(taskID), "owner", "status", "seq", "message"].map { Array($0.utf8) }
    }

    /// The stored state; nil: no such task (never created, or expired).
    static func fetched(_ reply: RedisValue, taskID: String) throws(RedisError) -> TaskEvent? {
        guard let parts = reply.array, parts.count == 4 else {
            throw .unexpectedReply(expected: "[owner, status, seq, message]", got: reply.kind)
        }
        guard let owner = parts[0].string else { return nil }
        guard let event = event(taskID: taskID, owner: owner, Array(parts[1...])) else {
            throw .unexpectedReply(expected: "a stored task state", got: reply.kind)
        }
        return event
    }

    /// `[status, seq, message]` as stored.
    private static func event(taskID: String, owner: String, _ parts: [RedisValue]) -> TaskEvent? {
        guard let statusText = parts[0].string, let status = TaskStatus(rawValue: statusText), let seq = parts[1].int,
            let message = parts[2].bytes
        else { return nil }
        return TaskEvent(taskID: taskID, owner: owner, status: status, seq: seq, message: message)
    }

    /// KEYS[1] task, KEYS[2] the report's record; ARGV owner ('' none), status, message,
    /// running TTL, finished TTL, record TTL. A report already decided returns its record.
    static let applyScript = """
        local seen = redis.call('HMGET', KEYS[2], 'outcome', 'owner', 'status', 'seq', 'message')
        if seen[1] then return seen end
        local function decide(outcome, owner, status, seq, message)
            redis.call('HSET', KEYS[2], 'outcome', outcome, 'owner', owner, 'status', status, 'seq', seq, 'message', message)
            redis.call('EXPIRE', KEYS[2], ARGV[6])
            return {outcome, owner, status, seq, message}
        end
        local current = redis.call('HMGET', KEYS[1], 'owner', 'status', 'seq', 'message')
        if not current[1] then
            if ARGV[1] == '' then return decide('unknown', '', '', '0', '') end
        elseif ARGV[1] ~= '' and ARGV[1] ~= current[1] then
            return decide('owner_mismatch', current[1], current[2], current[3], '')
        elseif current[2] ~= 'running' then
            return decide('finished', current[1], current[2], current[3], current[4])
        end
        local owner = current[1] or ARGV[1]
        local seq = tostring(redis.call('HINCRBY', KEYS[1], 'seq', 1))
        redis.call('HSET', KEYS[1], 'owner', owner, 'status', ARGV[2], 'message', ARGV[3])
        if ARGV[2] == 'running' then
            redis.call('EXPIRE', KEYS[1], ARGV[4])
        else
            redis.call('EXPIRE', KEYS[1], ARGV[5])
        end
        return decide('applied', owner, ARGV[2], seq, ARGV[3])
        """
}
