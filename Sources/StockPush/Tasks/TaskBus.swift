import Digest
import JSON
import Reactor
import Redis
import Synchronization
import Telemetry

/// Task progress across the cluster, on its own thread (hiredis blocks): stores reports
/// with `TaskStore`'s script, reads stored states, and listens on `P:tasks`, where every
/// report passes (a worker's directly, an HTTP one re-published after it was stored), to
/// hand each new state to every loop. With Redis down, calls fail at once (503) and the
/// thread reconnects with backoff.
public final class TaskBus: Sendable {
    enum Failure: Error, Sendable, CustomStringConvertible {
        case unavailable(String)
        var description: String {
            switch self {
            case .unavailable(let reason): "Redis is unavailable: \(reason)"
            }
        }
    }

    typealias ReportCompletion = @Sendable (Result<TaskStore.Outcome, Failure>) -> Void
    typealias FetchCompletion = @Sendable (Result<TaskEvent?, Failure>) -> Void

    private enum Job: Sendable {
        case report(TaskReport, body: JSONValue, ReportCompletion)
        case fetch(String, FetchCompletion)

        func fail(_ failure: Failure) {
            switch self {
            case .report(_, _, let completion): completion(.failure(failure))
            case .fetch(_, let completion): completion(.failure(failure))
            }
        }
    }

    private struct State {
        var jobs: [Job] = []
        var available = false
        var counter = 0
    }

    let store: TaskStore
    private let metrics: TaskMetrics
    /// Names this process's HTTP reports: the instance and its start, so a restart does
    /// not reuse a report id whose record Redis still holds.
    private let reportPrefix: String
    private let loops: @Sendable () -> [EventLoopHandle]
    private let logger: Logger
    private let worker = WorkerThread()
    private let state = Mutex(State())

    init(
        store: TaskStore, instanceID: String, metrics: TaskMetrics, loops: @escaping @Sendable () -> [EventLoopHandle],
        logger: Logger
    ) {
        self.store = store
        self.metrics = metrics
        reportPrefix = "\(instanceID).\(WallClock.nowMicroseconds())"
        self.loops = loops
        self.logger = logger
    }

    /// Stores an HTTP report (`body` is its request body) and, once stored, publishes it
    /// so every instance delivers it; `completion` runs on the bus thread.
    func report(_ report: TaskReport, body: JSONValue, completion: @escaping ReportCompletion) {
        enqueue(.report(report, body: body, completion))
    }

    /// The task's stored state (nil: none); `completion` runs on the bus thread.
    func fetch(_ taskID: String, completion: @escaping FetchCompletion) {
        enqueue(.fetch(taskID, completion))
    }

    private func enqueue(_ job: Job) {
        let queued = state.withLock { state -> Bool in
            guard state.available else { return false }
            state.jobs.append(job)
            return true
        }
        if !queued { job.fail(.unavailable("not connected")) }
    }

    func start(redis: RedisEndpoint) throws {
        try worker.start(name: "task-bus") { [self] in
            var backoff = 0.1
            var wasDown = false
            while !worker.isStopping {
                do {
                    try serve(redis) {
                        if wasDown { logger.info("tasks: Redis is back; task progress flows again") }
                        wasDown = false
                        backoff = 0.1
                    }
                } catch {
                    let (wasAvailable, unsent) = state.withLock { state -> (Bool, [Job]) in
                        defer {
                            state.available = false
                            state.jobs.removeAll()
                        }
                        return (state.available, state.jobs)
                    }
                    for job in unsent { job.fail(.unavailable("\(error)")) }
                    if wasAvailable || !wasDown {
                        logger.warning(
                            "tasks: Redis at \(redis) unavailable (\(error)); task reports answer 503 until it is back")
                    }
                    wasDown = true
                    worker.sleep(backoff)
                    backoff = min(backoff * 2, 2)
                }
            }
            let unsent = state.withLock { state -> [Job] in
                state.available = false
                defer { state.jobs.removeAll() }
                return state.jobs
            }
            for job in unsent { job.fail(.unavailable("the server is stopping")) }
        }
    }

    func stop() {
        worker.stop()
    }

    /// One connected session: subscribe, then run the queued calls and hear the channel
    /// until stopped or Redis fails.
    private func serve(_ redis: RedisEndpoint, connected: () -> Void) throws {
        let subscriber = try RedisSubscriber.connect(redis, timeoutSeconds: 1)
        defer { subscriber.close() }
        let connection = try redis.connectPrimary(timeoutSeconds: 1)
        defer { connection.close() }
        try subscriber.subscribe([store.channel])
        state.withLock { $0.available = true }
        connected()
        while !worker.isStopping {
            let jobs = state.withLock { state -> [Job] in
                defer { state.jobs.removeAll(keepingCapacity: true) }
                return state.jobs
            }
            for (index, job) in jobs.enumerated() {
                do {
                    try run(job, on: connection)
                } catch {
                    for left in jobs[index...] { left.fail(.unavailable("\(error)")) }
                    throw error
                }
            }
            if let message = try subscriber.nextMessage(timeoutSeconds: 0.01) { try heard(message, on: connection) }
        }
    }

    private func run(_ job: Job, on connection: RedisConnection) throws(RedisError) {
        switch job {
        case .fetch(let taskID, let completion):
            let event = try TaskStore.fetched(connection.command(store.fetch(taskID)), taskID: taskID)
            completion(.success(event))
        case .report(let report, let body, let completion):
            let counter = state.withLock { state -> Int in
                state.counter += 1
                return state.counter
            }
            // A producer's own id makes a retried POST idempotent.
            let reportID = report.reportID ?? "\(reportPrefix).\(counter)"
            let message = report.wireMessage(at: WallClock.nowMicroseconds())
            let outcome = try TaskStore.outcome(
                connection.command(store.apply(report, reportID: reportID, message: message)), taskID: report.taskID)
            if case .applied = outcome {
                // Every instance (this one too) hears it and delivers the state stored above.
                let envelope = Self.envelope(body, taskID: report.taskID, reportID: reportID)
                _ = try connection.command([Array("PUBLISH".utf8), Array(store.channel.utf8), envelope])
            }
            completion(.success(outcome))
        }
    }

    /// The HTTP body as a channel report: `task_id`, `report_id` and `"via":"http"` first.
    static func envelope(_ body: JSONValue, taskID: String, reportID: String) -> [UInt8] {
        let own: Set<String> = ["task_id", "report_id", "via"]
        let members = (body.objectValue ?? []).filter { !own.contains($0.key) }
        var writer = JSONWriter()
        writer.value(
            .object([("task_id", .string(taskID)), ("report_id", .string(reportID)), ("via", .string("http"))] + members))
        return writer.buffer.readableBytesArray
    }

    /// A report from the channel: checked, stored (or its stored decision read), and the
    /// state it left delivered to this instance's watchers.
    private func heard(_ message: RedisMessage, on connection: RedisConnection) throws(RedisError) {
        let report: TaskReport
        let value: JSONValue
        do {
            value = try JSONParser.parse(message.payload)
            report = try TaskReport(json: value)
        } catch {
            metrics.invalidReports.add(1)
            logger.warning("tasks: dropped an invalid report on \(message.channel) (\(message.payload.count) bytes): \(error)")
            return
        }
        if value["via"]?.stringValue != "http" { metrics.redisReports.add(1) }
        let reportID = report.reportID ?? SHA256.hexDigest(of: message.payload)
        let stamped = report.wireMessage(at: WallClock.nowMicroseconds())
        let outcome = try TaskStore.outcome(
            connection.command(store.apply(report, reportID: reportID, message: stamped)), taskID: report.taskID)
        switch outcome {
        case .applied(let event):
            for loop in loops() {
                loop.execute { $0.attached(LoopTasks.self)?.deliver(event) }
            }
        case .unknownTask:
            logger.warning("tasks: dropped a report for unknown task \(report.taskID) without an owner to create it")
        case .ownerMismatch(let owner):
            logger.warning("tasks: dropped a report for task \(report.taskID) naming another owner than \(owner)")
        case .finished(let event):
            logger.info("tasks: dropped a report for task \(report.taskID), already \(event.status.rawValue)")
        }
    }
}
