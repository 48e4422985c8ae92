import PushCore
import PushProtocol
import Reactor
import Server
import WebSocket

/// The task streams' shell on one event loop: the WebSocket handler of all the loop's
/// task-stream connections. It hands each input to the loop's `TaskWatchers` and
/// carries out the actions it returns; states arrive as loop jobs from `TaskBus`. Runs
/// only on its loop.
final class LoopTasks: WebSocketHandler {
    let loop: EventLoop
    let shared: PushShared
    let bus: TaskBus
    private var core = TaskWatchers()
    /// Connections by watcher slot; each connection's `handlerTag` is its slot.
    private var connections: [Connection?] = []
    /// Who holds each slot, for the per-address limit's release.
    private var holders: [Arrival?] = []
    /// Who is about to open, by connection id: set by the upgrade, taken by the open.
    private var arriving: [UInt64: Arrival] = [:]
    private var actions: [TaskWatchers.Action] = []

    /// A client the upgrade admitted (and counted in the per-address limit).
    struct Arrival {
        let user: String
        let address: String
        let taskID: String
    }

    init(loop: EventLoop, shared: PushShared, bus: TaskBus) {
        self.loop = loop
        self.shared = shared
        self.bus = bus
        scheduleHeartbeat()
    }

    /// Browsers cannot see ping frames: every heartbeat interval each watcher gets a
    /// `heartbeat` message. Unowned: the shell lives as long as its loop.
    private func scheduleHeartbeat() {
        let interval = UInt64(max(0.05, shared.heartbeatInterval) * 1e9)
        loop.schedule(afterNanoseconds: interval) { [unowned self] in
            core.heartbeat(timestamp: WallClock.nowMicroseconds(), into: &actions)
            perform()
            scheduleHeartbeat()
        }
    }

    /// The upgrade admitted a client; its connection opens right after (same call).
    func expect(_ arrival: Arrival, connectionID: UInt64) {
        arriving[connectionID] = arrival
    }

    /// A task's new state, from the bus.
    func deliver(_ event: TaskEvent) {
        core.deliver(event, into: &actions)
        perform()
    }

    func webSocketDidOpen(_ connection: Connection) {
        guard let arrival = arriving.removeValue(forKey: connection.id) else {
            connection.close(code: .internalError, reason: "connection opened without an upgrade")
            return
        }
        let id = core.open(user: arrival.user, taskID: arrival.taskID)
        while connections.count <= id.slot {
            connections.append(nil)
            holders.append(nil)
        }
        connections[id.slot] = connection
        holders[id.slot] = arrival
        connection.handlerTag = id.slot
        shared.metrics.tasks.streamsOpen.add(1)
        let clientID = ClientInfo.clientID(connection.id, instance: shared.instanceID)
        shared.logger.info("task stream opened: \(clientID) user \(arrival.user) task \(arrival.taskID)")
        connection.send(
            textBytes: ServerMessage.connected(
                clientID: clientID, heartbeatInterval: Int(shared.heartbeatInterval.rounded()),
                timestamp: WallClock.nowMicroseconds(), taskID: arrival.taskID))
        let connectionID = connection.id
        bus.fetch(arrival.taskID) { [handle = loop.handle] result in
            handle.execute { loop in loop.attached(LoopTasks.self)?.fetched(result, for: id, connectionID: connectionID) }
        }
    }

    /// The retained state for a watcher, if its connection is still the one that asked.
    private func fetched(_ result: Result<TaskEvent?, RedisJobError>, for id: TaskWatchers.WatcherID, connectionID: UInt64) {
        guard id.slot < connections.count, let connection = connections[id.slot], connection.id == connectionID else { return }
        switch result {
        case .success(let event):
            core.retained(event, for: id, into: &actions)
        case .failure(let failure):
            // Without the stored state the stream cannot promise the latest one first.
            core.close(id)
            actions.append(.close(id, .internalError, "task state unavailable; retry"))
            shared.logger.warning("tasks: a task stream closed 1011: \(failure)")
        }
        perform()
    }

    func webSocket(_ connection: Connection, didReceive message: WebSocketMessage) {
        guard case .text(let bytes) = message else {
            connection.close(code: .unsupportedData, reason: "binary messages are not accepted; send JSON text")
            return
        }
        guard let id = watcher(of: connection) else { return }
        core.receive(bytes, from: id, timestamp: WallClock.nowMicroseconds(), into: &actions)
        perform()
    }

    /// As on the price stream: when to come back, before the server's close 1001.
    func webSocketWillShutDown(_ connection: Connection) {
        let delay = Int.random(in: 0...max(0, shared.configuration.shutdownReconnectMaxMs))
        connection.send(
            textBytes: ServerMessage.serverShutdown(reconnectAfterMs: delay, timestamp: WallClock.nowMicroseconds()))
    }

    func webSocketDidClose(_ connection: Connection, close: WebSocketClose) {
        guard let id = watcher(of: connection) else { return }
        core.close(id)
        detach(id, close.code, close.reason)
    }

    private func watcher(of connection: Connection) -> TaskWatchers.WatcherID? {
        let slot = connection.handlerTag
        guard slot >= 0, slot < connections.count, connections[slot] === connection else { return nil }
        return TaskWatchers.WatcherID(slot: slot)
    }

    /// Frees the slot and the client's place in the per-address limit; one line per
    /// stream says how it ended (a refused intruder shows here as 1008 `forbidden`).
    private func detach(_ id: TaskWatchers.WatcherID, _ code: CloseCode, _ reason: String) {
        guard let connection = connections[id.slot] else { return }
        connection.handlerTag = -1
        connections[id.slot] = nil
        if let holder = holders[id.slot] {
            shared.limits.release(address: holder.address)
            shared.logger.info(
                "task stream closed: user \(holder.user) task \(holder.taskID), \(code.rawValue) \(reason)")
        }
        holders[id.slot] = nil
        shared.metrics.tasks.streamsOpen.add(-1)
    }

    private func perform() {
        // An action may close a socket at once and call back (`webSocketDidClose`), which
        // only detaches: it adds no action, so the list is stable while it is read.
        let pending = actions
        actions.removeAll(keepingCapacity: true)
        for action in pending {
            switch action {
            case .send(let id, let message):
                connections[id.slot]?.send(textBytes: message)
            case .close(let id, let code, let reason):
                let connection = connections[id.slot]
                detach(id, code, reason)
                connection?.close(code: code, reason: reason)
            }
        }
    }
}

@available(*, unavailable)
extension LoopTasks: Sendable {}
