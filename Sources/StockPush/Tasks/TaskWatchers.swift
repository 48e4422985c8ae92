import JSON
import PushProtocol
import WebSocket

/// The task streams of one loop as a pure state machine: who watches which task, the
/// ownership check, the order of states, the close after a final one. Inputs with the
/// time passed in, actions out; the loop's shell (`LoopTasks`) carries them out.
struct TaskWatchers {
    /// One open task stream, by slot (the shell keeps its connection under the same slot).
    struct WatcherID: Hashable, Sendable {
        let slot: Int
    }

    enum Action: Equatable {
        case send(WatcherID, [UInt8])
        /// The watcher is already forgotten; the shell closes its connection.
        case close(WatcherID, CloseCode, String)
    }

    private struct Watcher {
        let user: String
        let taskID: String
        /// The `seq` of the last state sent (0: none yet).
        var lastSeq = 0
    }

    private var watchers: [Watcher?] = []
    private var free: [Int] = []
    private var byTask: [String: Set<Int>] = [:]

    var count: Int { watchers.count - free.count }

    /// `user` opens the stream of `taskID`. Nothing is known of the task yet: its state
    /// arrives as `retained` (asked of Redis) or `deliver` (live), whichever comes first.
    mutating func open(user: String, taskID: String) -> WatcherID {
        let slot = free.popLast() ?? watchers.count
        if slot == watchers.count { watchers.append(nil) }
        watchers[slot] = Watcher(user: user, taskID: taskID)
        byTask[taskID, default: []].insert(slot)
        return WatcherID(slot: slot)
    }

    /// The connection is gone (or was closed by an action): forget it.
    mutating func close(_ id: WatcherID) {
        guard id.slot < watchers.count, let watcher = watchers[id.slot] else { return }
        watchers[id.slot] = nil
        free.append(id.slot)
        byTask[watcher.taskID]?.remove(id.slot)
        if byTask[watcher.taskID]?.isEmpty == true { byTask[watcher.taskID] = nil }
    }

    /// A new state of a task reached this instance: every watcher of it gets it.
    mutating func deliver(_ event: TaskEvent, into actions: inout [Action]) {
        guard let slots = byTask[event.taskID] else { return }
        for slot in slots.sorted() { apply(event, to: WatcherID(slot: slot), into: &actions) }
    }

    /// The task's stored state as Redis had it when this watcher opened; nil: no such
    /// task yet, so the watcher waits for its first report.
    mutating func retained(_ event: TaskEvent?, for id: WatcherID, into actions: inout [Action]) {
        guard let event, id.slot < watchers.count, let watcher = watchers[id.slot], watcher.taskID == event.taskID else {
            return
        }
        apply(event, to: id, into: &actions)
    }

    /// Another user's task closes the stream 1008 `forbidden` with nothing about it; an
    /// older state than the last sent is dropped; a final state is sent, then closes 1000.
    private mutating func apply(_ event: TaskEvent, to id: WatcherID, into actions: inout [Action]) {
        guard var watcher = watchers[id.slot] else { return }
        guard watcher.user == event.owner else {
            close(id)
            actions.append(.close(id, .policyViolation, "forbidden"))
            return
        }
        guard event.seq > watcher.lastSeq else { return }
        watcher.lastSeq = event.seq
        watchers[id.slot] = watcher
        actions.append(.send(id, event.message))
        if event.status.isFinished {
            close(id)
            actions.append(.close(id, .normalClosure, event.status == .completed ? "task completed" : "task failed"))
        }
    }

    /// The application-level heartbeat to every watcher.
    func heartbeat(timestamp: Int64, into actions: inout [Action]) {
        guard count > 0 else { return }
        let message = ServerMessage.heartbeat(timestamp: timestamp)
        for slot in watchers.indices where watchers[slot] != nil { actions.append(.send(WatcherID(slot: slot), message)) }
    }

    /// A client message: the stream is receive-only but for `ping`, answered `pong`;
    /// anything else gets an `error` reply and changes nothing.
    func receive(_ bytes: [UInt8], from id: WatcherID, timestamp: Int64, into actions: inout [Action]) {
        guard id.slot < watchers.count, watchers[id.slot] != nil else { return }
        let request: JSONValue
        do {
            request = try JSONParser.parse(bytes)
        } catch {
            let reply = ProtocolError(code: .invalidJSON, message: "invalid JSON: \(error)")
            return actions.append(.send(id, ServerMessage.error(reply)))
        }
        guard request.objectValue != nil else {
            return actions.append(
                .send(id, ServerMessage.error(ProtocolError(code: .invalidMessage, message: "a message is a JSON object"))))
        }
        let requestID = request["id"]
        guard request["type"]?.stringValue == "ping" else {
            let reply = ProtocolError(
                code: .unknownType, message: "the task stream accepts only {\"type\":\"ping\"}; it is otherwise receive-only",
                id: requestID)
            return actions.append(.send(id, ServerMessage.error(reply)))
        }
        actions.append(.send(id, ServerMessage.pong(timestamp: timestamp, id: requestID)))
    }
}
