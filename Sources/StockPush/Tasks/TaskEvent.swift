/// A task's state as stored in Redis and handed to the loops: the message its stream
/// sends for it, who owns it, and `seq`, which grows by one with every report stored,
/// so a watcher never goes back to an older state whichever way (retained or live) a
/// state reaches it first.
struct TaskEvent: Sendable, Equatable {
    var taskID: String
    var owner: String
    var status: TaskStatus
    var seq: Int
    /// The complete JSON text of the stream's message (`progress`, `completed`, `error`).
    var message: [UInt8]
}
