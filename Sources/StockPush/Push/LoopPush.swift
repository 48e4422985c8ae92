import Buffers
import Market
import PushCore
import PushProtocol
import Reactor
import Server
import Telemetry
import Time

/// The price stream's shell on one event loop: hands each input to the loop's
/// `PushCore` with the loop's time, and carries the actions it returns out to the
/// connections. Runs only on its loop, so nothing here takes a lock; ticks, catalog
/// changes and admin requests arrive as loop jobs.
final class LoopPush {
    let loop: EventLoop
    let shared: PushShared
    let core: PushCore
    /// Sessions by the core's client slot, and their connections (kept beside them so the
    /// fan-out reaches a connection in one step).
    private(set) var sessions: [PriceSession?] = []
    private var connections: [Connection?] = []
    /// The core's output, reused so a tick allocates no action storage.
    private var actions: [PushAction] = []
    private var performing = false
    private let queueLimit: Int

    init(loop: EventLoop, shared: PushShared) {
        self.loop = loop
        self.shared = shared
        queueLimit = shared.configuration.maxQueuedBytes
        core = PushCore(configuration: shared.coreConfiguration, catalog: shared.loadedCatalog, board: shared.board)
        scheduleRateSample()
    }

    private func scheduleRateSample() {
        // Unowned, not weak: a weak reference would give LoopPush a side table and slow
        // every retain of it on the fan-out path; it lives as long as its loop.
        loop.schedule(afterNanoseconds: 1_000_000_000) { [unowned self] in
            core.sampleSecond()
            scheduleRateSample()
        }
    }

    private var now: PushTime { PushTime(monotonic: loop.now, wallMicros: WallClock.nowMicroseconds()) }

    private func isQueueFull(_ id: ClientID) -> Bool {
        guard let connection = connections[id.slot] else { return false }
        return connection.queuedBytes > queueLimit
    }

    // MARK: inputs

    func open(_ session: PriceSession) -> ClientID {
        let id = core.open(session.info, now: now, into: &actions)
        while sessions.count <= id.slot {
            sessions.append(nil)
            connections.append(nil)
        }
        sessions[id.slot] = session
        connections[id.slot] = session.connection
        perform()
        return id
    }

    func closed(_ id: ClientID) {
        core.release(id)
        sessions[id.slot] = nil
        connections[id.slot] = nil
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

    func publish(_ tick: TickUpdate) {
        core.publish(tick, now: now, queueFull: { isQueueFull($0) }, into: &actions)
        perform()
    }

    func catalogChanged(_ catalog: Catalog) {
        core.catalogChanged(catalog, now: now, into: &actions)
        perform()
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
        guard sessions[id.slot]?.connection?.isWebSocketOpen == true else {
            detach(id)
            return false
        }
        defer { perform() }
        return core.disconnect(id, into: &actions)
    }

    // MARK: actions

    /// Carries out the queued actions in order. An action may call back into this shell
    /// (a close that ends the socket at once); inputs that arrive meanwhile append to the
    /// same list, and this loop reaches them.
    private func perform() {
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

    private func carryOut(_ action: PushAction) {
        switch action {
        case .sendUpdate(let id, let heads, let offset, let count, let body):
            connections[id.slot]?.send(head: heads, offset: offset, count: count, body: body)
        case .sendUpdates(let heads, let body, let deliveries):
            for delivery in deliveries {
                connections[delivery.client.slot]?.send(head: heads, offset: delivery.offset, count: delivery.count, body: body)
            }
        case .sendFrame(let id, let frame):
            connections[id.slot]?.send(frame: frame)
        case .sendText(let id, let json):
            connections[id.slot]?.send(textBytes: json)
        case .notifyWhenDrained(let id):
            connections[id.slot]?.notifyWhenQueueBelow(queueLimit)
        case .close(let id, let reason):
            let connection = connections[id.slot]
            detach(id)
            connection?.close(code: .policyViolation, reason: reason.text)
        case .tickQueued(let startedAt):
            // Runs after every connection scheduled above has written: the tick's last write.
            loop.scheduleFlush(LatencyMarker(startedAt: startedAt, histogram: shared.metrics.publishLatency))
        }
    }

    /// The core has let the client go (or is told to now): the session stops reporting
    /// to it, so a later close of its socket cannot reach the slot's next owner.
    private func detach(_ id: ClientID) {
        core.release(id)
        sessions[id.slot]?.detach()
        sessions[id.slot] = nil
        connections[id.slot] = nil
    }
}

@available(*, unavailable)
extension LoopPush: Sendable {}
