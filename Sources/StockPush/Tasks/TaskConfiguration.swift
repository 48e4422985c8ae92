/// How long Redis keeps a task's state (`TASK_TTL`, `TASK_DONE_TTL`).
struct TaskConfiguration: Sendable, Equatable {
    /// Seconds a running task is kept after its last report.
    var runningTTL = 86_400
    /// Seconds a completed or failed task is kept, for late joiners and `GET /api/tasks/{id}`.
    var finishedTTL = 600

    static let options: [OptionSpec] = [
        OptionSpec(
            "--task-ttl", env: "TASK_TTL", default: "86400",
            help: "seconds a running task's state is kept after its last progress report"),
        OptionSpec(
            "--task-done-ttl", env: "TASK_DONE_TTL", default: "600",
            help: "seconds a completed or failed task's state is kept"),
    ]

    init() {}

    init(from options: Options) throws(UsageError) {
        runningTTL = try options.int("--task-ttl", in: 1...(365 * 86_400)) ?? runningTTL
        finishedTTL = try options.int("--task-done-ttl", in: 1...(365 * 86_400)) ?? finishedTTL
    }
}
