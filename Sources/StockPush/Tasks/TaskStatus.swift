/// Where a task stands. `completed` and `error` are final: no report changes it after.
enum TaskStatus: String, Sendable, Equatable, CaseIterable {
    case running
    case completed
    case error

    var isFinished: Bool { self != .running }
}
