import Buffers
import Market
import PushCore
import PushProtocol
import Reactor
import Server
import Time

/// The price stream's shell on one event loop: the WebSocket handler of all the loop's
/// price-stream connections (`LoopPush+Handler`), it hands each input to the loop's
/// `PushCore` with the loop's time and carries the actions it returns out to the
/// connections. Runs only on its loop, so nothing here takes a lock; ticks, catalog
/// changes and admin requests arrive as loop jobs.
final class LoopPush {
    let loop: EventLoop
    let shared: PushShared
    let core: PushCore
    /// Connections by the core's client slot; each connection's `handlerTag` is its slot.
    private(set) var connections: [Connection?] = []
    /// Who is about to open, by connection id: set by the upgrade, taken by the open.
    var arriving: [UInt64: ClientInfo] = [:]
    /// Clients the core let go while their connection still closes, by connection id:
    /// their close line is written once it has closed (then the code is known).
    var departing: [UInt64: Departure] = [:]
    /// Handshakes waiting for the cluster-wide user count, by connection id.
    var awaitingVerdicts: [UInt64: AwaitingVerdict] = [:]
    /// The core's output, reused so a tick allocates no action storage.
    var actions: [PushAction] = []
    private var performing = false
    /// Price updates go out as they are carried out, unless a backlog of ticks is being
    /// delivered (`publish(batched:)`).
    private var sendsAtOnce = true
    /// The debug report of the tick being published, until its `tickQueued` takes it.
    private var tickReport: (report: TickReport, clients: Int)?
    let queueLimit: Int
    /// Bumped by every `marketsTick`, so only the latest market timer acts.
    var marketTimerGeneration: UInt64 = 0

    init(loop: EventLoop, shared: PushShared) {
        self.loop = loop
        self.shared = shared
        queueLimit = shared.configuration.maxQueuedBytes
        core = PushCore(configuration: shared.coreConfiguration, catalog: shared.catalog, board: shared.board)
        scheduleRateSample()
        marketsTick()
    }

    private func scheduleRateSample() {
        // Unowned, not weak: a weak reference would give LoopPush a side table and slow
        // every retain of it on the fan-out path; it lives as long as its loop.
        loop.schedule(afterNanoseconds: 1_000_000_000) { [unowned self] in
            core.sampleSecond()
            scheduleRateSample()
        }
    }

    var now: PushTime {
        let wall = WallClock.nowMicroseconds()
        return PushTime(
            monotonic: loop.now, wallMicros: wall, marketMicros: shared.configuration.marketHours.marketMicros(atWall: wall))
    }

    func isQueueFull(_ id: ClientID) -> Bool {
        guard let connection = connections[id.slot] else { return false }
        return connection.queuedBytes > queueLimit
    }

    // MARK: inputs

    func open(_ info: ClientInfo, on connection: Connection) {
        let id = core.open(info, compressed: connection.isCompressing, now: now, into: &actions)
        while connections.count <= id.slot { connections.append(nil) }
        connections[id.slot] = connection
        connection.handlerTag = id.slot
        ConnectionLog.opened(info, logger: shared.logger)
        perform()
    }

    /// The client whose connection this is, if the core still holds it.
    func client(of connection: Connection) -> ClientID? {
        let slot = connection.handlerTag
        guard slot >= 0, slot < connections.count, connections[slot] === connection else { return nil }
        return ClientID(slot: slot)
    }

    func receive(_ bytes: [UInt8], from id: ClientID) {
        core.receive(bytes, from: id, now: now, queueFull: { isQueueFull($0) }, into: &actions)
        perform()
    }

    func drained(_ id: ClientID) {
        core.drained(id, now: now, into: &actions)
        perform()
    }

    func shuttingDown(_ id: ClientID) {
        let delay = Int.random(in: 0...max(0, shared.configuration.shutdownReconnectMaxMs))
        core.shuttingDown(id, reconnectAfterMs: delay, now: now, into: &actions)
        perform()
    }

    /// With `report` (push=debug), this loop's part of the tick's debug line: handed to
    /// the tick's last write, or reported at once when the tick reached nobody here.
    /// `batched`: one of several ticks taken at once (the loop fell behind); their
    /// updates queue and leave together, one `writev` per client, before the loop sleeps.
    func publish(_ tick: TickUpdate, report: TickReport? = nil, batched: Bool = false) {
        let reached = core.publish(tick, now: now, queueFull: { isQueueFull($0) }, into: &actions)
        tickReport = report.map { ($0, reached) }
        sendsAtOnce = !batched
        perform()
        sendsAtOnce = true
        if let left = tickReport {
            tickReport = nil
            left.report.loopDone(clients: left.clients)
        }
    }

    func catalogChanged(_ catalog: Catalog) {
        core.catalogChanged(catalog, now: now, queueFull: { isQueueFull($0) }, into: &actions)
        perform()
        marketsTick()  // the calendars may have changed too
    }

    func push(codes: Set<String>, timestamp: Int64) -> Int {
        defer { perform() }
        return core.push(codes: codes, timestamp: timestamp, queueFull: { isQueueFull($0) }, into: &actions)
    }

    func broadcast(_ frame: SharedBytes) -> Int {
        defer { perform() }
        return core.broadcast(frame: frame, into: &actions)
    }

    /// A client that is already closing counts as gone: it is not listed, and a second
    /// disconnect of it is a 404.
    func disconnect(clientID: String) -> Bool {
        guard let id = core.find(clientID: clientID) else { return false }
        guard connections[id.slot]?.isWebSocketOpen == true else {
            release(id)
            return false
        }
        defer { perform() }
        return core.disconnect(id, into: &actions)
    }

    // MARK: actions

    /// Carries out the queued actions in order. An action may call back into this shell
    /// (a close that ends the socket at once); inputs that arrive meanwhile append to the
    /// same list, and this loop reaches them.
    func perform() {
        guard !performing else { return }
        performing = true
        var index = 0
        while index < actions.count {
            carryOut(actions[index])
            index += 1
        }
        actions.removeAll(keepingCapacity: true)
        performing = false
    }

    func carryOut(_ action: PushAction) {
        switch action {
        case .sendUpdate(let id, let heads, let offset, let count, let body):
            connections[id.slot]?.send(head: heads, offset: offset, count: count, body: body, now: sendsAtOnce)
        case .sendUpdates(let heads, let body, let deliveries):
            for delivery in deliveries {
                connections[delivery.client.slot]?.send(
                    head: heads, offset: delivery.offset, count: delivery.count, body: body, now: sendsAtOnce)
            }
        case .sendFrame(let id, let frame):
            connections[id.slot]?.send(frame: frame)
        case .sendText(let id, let json):
            connections[id.slot]?.send(textBytes: json)
        case .notifyWhenDrained(let id):
            connections[id.slot]?.notifyWhenQueueBelow(queueLimit)
        case .close(let id, let reason):
            connections[id.slot]?.close(code: .policyViolation, reason: reason.text)
        case .forget(let id, let info, let messages):
            detach(id, Departure(info: info, messages: messages))
        case .saveSession(let token, let record, let final):
            shared.sessions?.save(token, record, final: final)
        case .loadSession(let id, let request):
            loadSession(id, request)
        case .notifications(let id, let subscribe, let requestID):
            notifications(id, subscribe: subscribe, requestID: requestID)
        case .acknowledge(let id, let ids, let requestID):
            acknowledge(id, ids: ids, requestID: requestID)
        case .tickQueued(let startedAt):
            // Runs after every connection scheduled above has written: the tick's last write.
            loop.scheduleFlush(
                LatencyMarker(startedAt: startedAt, histogram: shared.metrics.publishLatency, report: tickReport))
            tickReport = nil
        }
    }

    /// The client leaves the core (if it is still there) and is detached.
    @discardableResult
    func release(_ id: ClientID) -> Departure? {
        guard let info = core.info(of: id) else { return nil }
        if let save = core.finalSessionSave(of: id) { carryOut(save) }
        let departure = Departure(info: info, messages: core.messagesSent(to: id) ?? 0)
        core.release(id)
        detach(id, departure)
        return departure
    }

    /// Frees the client's connection-limit places now (its socket may linger a while
    /// closing) and stops its connection reporting to it, so a later close cannot reach
    /// the slot's next owner. A connection still closing keeps the client's departure
    /// for its close line.
    private func detach(_ id: ClientID, _ departure: Departure) {
        let info = departure.info
        if let connection = connections[id.slot], !connection.isClosed { departing[connection.id] = departure }
        shared.limits.release(user: info.user, address: info.remoteAddress)
        if info.authenticated { shared.cluster?.release(user: info.user) }
        if let connection = connections[id.slot] { loop.attached(LoopNotify.self)?.stop(connection.id) }
        connections[id.slot]?.handlerTag = -1
        connections[id.slot] = nil
    }
}

@available(*, unavailable)
extension LoopPush: Sendable {}
