import JSON
import Reactor
import Redis
import Synchronization
import Telemetry

/// Carries admin requests between instances over Redis pub/sub. The asker publishes a
/// request on `P:control` (or one instance's `P:control:<id>`), answers its own part
/// directly, and collects the others' replies on its `P:control:<id>` until all the
/// live instances answered or `CLUSTER_TIMEOUT_MS` passed; then it has its answer and
/// the list of those missing. Its own thread (hiredis blocks) publishes, listens and
/// enforces the deadlines; loops only hand it work. With Redis down an admin call is
/// answered by this instance alone, with `available` false.
public final class ClusterBus: Sendable {
    /// What came back for one request.
    struct Answer: Sendable {
        /// One reply body per instance that answered, ordered by instance id.
        var replies: [(instance: String, body: JSONValue)]
        var missing: [String]
        /// False when Redis could not carry the request (only this instance answered).
        var available: Bool
    }

    private struct Waiter: Sendable {
        let completion: @Sendable (Answer) -> Void
        let available: Bool
        let alsoMissing: [String]
    }

    private struct State {
        var pending = PendingTable<JSONValue, Waiter>()
        var outbox: [(channel: String, payload: [UInt8])] = []
        var counter = 0
        var available = false
    }

    let registry: ClusterRegistry
    private let configuration: ClusterConfiguration
    private let keys: ClusterKeys
    let local: LocalAdmin
    private let dropped: Counter
    private let logger: Logger
    private let worker = WorkerThread()
    private let state = Mutex(State())

    init(
        configuration: ClusterConfiguration, prefix: String, local: LocalAdmin, registry: ClusterRegistry, dropped: Counter,
        logger: Logger
    ) {
        self.configuration = configuration
        keys = ClusterKeys(prefix: prefix)
        self.local = local
        self.registry = registry
        self.dropped = dropped
        self.logger = logger
    }

    var isAvailable: Bool { state.withLock { $0.available } }

    /// Runs `operation` on every live instance (or only on `instance`) and calls
    /// `completion` once, from some thread, with the replies and the missing.
    func ask(
        _ operation: ControlMessage.Operation, _ body: JSONValue = .object([]), only instance: String? = nil,
        completion: @escaping @Sendable (Answer) -> Void
    ) {
        let me = local.instance.id
        let live = registry.liveIDs.union([me])
        if let instance, !live.contains(instance) {
            // No such live instance: nobody would answer, so do not wait for the deadline.
            return completion(Answer(replies: [], missing: [instance], available: isAvailable))
        }
        var expected = instance.map { [$0] } ?? live
        let (requestID, available) = state.withLock { state -> (String, Bool) in
            state.counter += 1
            return ("\(me)-\(state.counter)", state.available)
        }
        var alsoMissing: [String] = []
        if !available {
            alsoMissing = expected.subtracting([me]).sorted()
            expected = expected.intersection([me])
        }
        let deadline = MonotonicClock.now() &+ UInt64(configuration.timeoutMilliseconds) * 1_000_000
        let waiter = Waiter(completion: completion, available: available, alsoMissing: alsoMissing)
        let remote = !expected.subtracting([me]).isEmpty
        let message = ControlMessage(kind: .request, requestID: requestID, from: me, operation: operation, body: body)
        let done = state.withLock { state -> PendingTable<JSONValue, Waiter>.Completed? in
            let done = state.pending.add(requestID: requestID, expected: expected, deadline: deadline, waiter: waiter)
            if done == nil && remote {
                state.outbox.append((instance.map { keys.control($0) } ?? keys.control, message.encoded()))
            }
            return done
        }
        if let done { return finish(done) }
        if expected.contains(me) {
            local.perform(operation, body) { [self] reply in receive(requestID, from: me, reply) }
        }
    }

    private func receive(_ requestID: String, from instance: String, _ body: JSONValue) {
        let done = state.withLock { $0.pending.receive(requestID: requestID, from: instance, reply: body) }
        if let done { finish(done) }
    }

    private func finish(_ done: PendingTable<JSONValue, Waiter>.Completed) {
        let answer = Answer(
            replies: done.replies.map { (instance: $0.instance, body: $0.reply) },
            missing: (done.missing + done.waiter.alsoMissing).sorted(), available: done.waiter.available)
        done.waiter.completion(answer)
    }

    private func expireDue() {
        let due = state.withLock { $0.pending.expire(now: MonotonicClock.now()) }
        for done in due { finish(done) }
    }

    func start(redis: RedisEndpoint) throws {
        try worker.start(name: "cluster-bus") { [self] in
            var backoff = 0.1
            var wasDown = false
            while !worker.isStopping {
                do {
                    try serve(redis) {
                        if wasDown { logger.info("cluster bus: Redis is back; admin calls reach the cluster again") }
                        wasDown = false
                        backoff = 0.1
                    }
                } catch {
                    let wasAvailable = state.withLock { state -> Bool in
                        defer {
                            state.available = false
                            state.outbox.removeAll()
                        }
                        return state.available
                    }
                    if wasAvailable || !wasDown {
                        logger.warning(
                            "cluster bus: Redis at \(redis) unavailable (\(error)); admin calls answer from this instance alone"
                        )
                    }
                    wasDown = true
                    let until = MonotonicClock.now() &+ UInt64(backoff * 1e9)
                    while !worker.isStopping && MonotonicClock.now() < until {
                        expireDue()
                        worker.sleep(0.02)
                    }
                    backoff = min(backoff * 2, 2)
                }
            }
            state.withLock { $0.available = false }
            for done in state.withLock({ $0.pending.expire(now: .max) }) { finish(done) }
        }
    }

    /// One connected session: subscribe, then publish what is queued, hand requests to
    /// the loops, collect replies and expire deadlines until stopped or Redis fails.
    private func serve(_ redis: RedisEndpoint, connected: () -> Void) throws {
        let subscriber = try RedisSubscriber.connect(redis, timeoutSeconds: 1)
        defer { subscriber.close() }
        let publisher = try redis.connectPrimary(timeoutSeconds: 1)
        defer { publisher.close() }
        try subscriber.subscribe([keys.control, keys.control(local.instance.id)])
        state.withLock { $0.available = true }
        connected()
        while !worker.isStopping {
            let outbox = state.withLock { state -> [(channel: String, payload: [UInt8])] in
                defer { state.outbox.removeAll(keepingCapacity: true) }
                return state.outbox
            }
            for (channel, payload) in outbox { try publisher.command([Array("PUBLISH".utf8), Array(channel.utf8), payload]) }
            if let message = try subscriber.nextMessage(timeoutSeconds: 0.01) { handle(message) }
            expireDue()
        }
    }

    /// A request from another instance is carried out here and answered on the asker's
    /// channel; a reply goes to its pending request. Anything else is dropped.
    private func handle(_ message: RedisMessage) {
        let control: ControlMessage
        do {
            control = try ControlMessage(decoding: message.payload)
        } catch {
            dropped.add(1)
            logger.warning(
                "cluster bus: dropped a control message on \(message.channel) (\(message.payload.count) bytes): \(error)")
            return
        }
        let me = local.instance.id
        switch control.kind {
        case .request:
            guard control.from != me else { return }  // this instance answered its own request directly
            local.perform(control.operation, control.body) { [self] reply in
                let answer = ControlMessage(
                    kind: .reply, requestID: control.requestID, from: me, operation: control.operation, body: reply)
                state.withLock { $0.outbox.append((keys.control(control.from), answer.encoded())) }
            }
        case .reply:
            receive(control.requestID, from: control.from, control.body)
        }
    }

    public func stop() {
        worker.stop()
    }
}
