import Digest
import JSON
import Reactor
import Redis
import Synchronization
import Telemetry

/// Task progress across the cluster. Calls to Redis (store a report with `TaskStore`'s
/// script, read a stored state) run as jobs on a `RedisWorker` (hiredis blocks; with
/// Redis down they fail at once, a 503). A listener thread of its own hears `P:tasks`,
/// where every report passes — a worker's directly, an HTTP one re-published once it is
/// stored — and hands each one to the worker to store (or read the first instance's
/// decision on it), then each new state to every loop. Jobs run in order, so the
/// channel's order is the order of the states.
public final class TaskBus: Sendable {
    typealias ReportCompletion = @Sendable (Result<TaskStore.Outcome, RedisJobError>) -> Void
    typealias FetchCompletion = @Sendable (Result<TaskEvent?, RedisJobError>) -> Void

    let store: TaskStore
    private let redis: RedisWorker
    private let endpoint: RedisEndpoint
    private let metrics: TaskMetrics
    /// Names this process's HTTP reports: the instance and its start, so a restart does
    /// not reuse a report id whose record Redis still holds.
    private let reportPrefix: String
    private let counter = Atomic<Int>(0)
    private let loops: @Sendable () -> [EventLoopHandle]
    private let logger: Logger
    private let listener = WorkerThread()

    init(
        store: TaskStore, endpoint: RedisEndpoint, instanceID: String, metrics: TaskMetrics,
        loops: @escaping @Sendable () -> [EventLoopHandle], logger: Logger
    ) throws {
        self.store = store
        self.endpoint = endpoint
        redis = try RedisWorker(endpoint: endpoint, name: "tasks", logger: logger)
        self.metrics = metrics
        reportPrefix = "\(instanceID).\(WallClock.nowMicroseconds())"
        self.loops = loops
        self.logger = logger
    }

    func start() throws {
        try redis.start()
        try listener.start(name: "task-listener") { [self] in listen() }
    }

    func stop() {
        listener.stop()
        redis.stop()
    }

    /// Stores an HTTP report (`body` is its request body) and, once stored, publishes it
    /// so every instance delivers it; `completion` runs on the worker's thread.
    func report(_ report: TaskReport, body: JSONValue, completion: @escaping ReportCompletion) {
        // A producer's own id makes a retried POST idempotent.
        let reportID = report.reportID ?? "\(reportPrefix).\(counter.add(1, ordering: .relaxed).newValue)"
        let apply = store.apply(report, reportID: reportID, message: report.wireMessage(at: WallClock.nowMicroseconds()))
        let publish = [
            Array("PUBLISH".utf8), Array(store.channel.utf8), Self.envelope(body, taskID: report.taskID, reportID: reportID),
        ]
        let taskID = report.taskID
        redis.submit(
            { connection throws(RedisError) -> TaskStore.Outcome in
                let outcome = try TaskStore.outcome(connection.command(apply), taskID: taskID)
                // Every instance (this one too) hears it and delivers the state stored here.
                if case .applied = outcome { _ = try connection.command(publish) }
                return outcome
            }, completion: completion)
    }

    /// The task's stored state (nil: none); `completion` runs on the worker's thread.
    func fetch(_ taskID: String, completion: @escaping FetchCompletion) {
        let fetch = store.fetch(taskID)
        redis.submit(
            { connection throws(RedisError) -> TaskEvent? in
                try TaskStore.fetched(connection.command(fetch), taskID: taskID)
            }, completion: completion)
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

    /// Hears `P:tasks` until stopped, reconnecting with backoff; the outage and the
    /// recovery are logged once each.
    private func listen() {
        var backoff = 0.1
        var down = false
        while !listener.isStopping {
            do {
                let subscriber = try RedisSubscriber.connect(endpoint, timeoutSeconds: 1)
                defer { subscriber.close() }
                try subscriber.subscribe([store.channel])
                if down { logger.info("tasks: listening on \(store.channel) again") }
                down = false
                backoff = 0.1
                while !listener.isStopping {
                    if let message = try subscriber.nextMessage(timeoutSeconds: 0.2) { heard(message) }
                }
            } catch {
                if !down {
                    logger.warning(
                        "tasks: cannot listen on \(store.channel) (\(error)); reports reach no stream until Redis is back")
                }
                down = true
                listener.sleep(backoff)
                backoff = min(backoff * 2, 2)
            }
        }
    }

    /// A report from the channel: checked, then stored (or its stored decision read) in
    /// order with the others, and the state it left delivered to this instance's loops.
    private func heard(_ message: RedisMessage) {
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
        let apply = store.apply(report, reportID: reportID, message: report.wireMessage(at: WallClock.nowMicroseconds()))
        let taskID = report.taskID
        redis.submit(
            { connection throws(RedisError) -> TaskStore.Outcome in
                try TaskStore.outcome(connection.command(apply), taskID: taskID)
            },
            completion: { [self] result in stored(result, taskID: taskID) })
    }

    private func stored(_ result: Result<TaskStore.Outcome, RedisJobError>, taskID: String) {
        switch result {
        case .success(.applied(let event)):
            for loop in loops() { loop.execute { $0.attached(LoopTasks.self)?.deliver(event) } }
        case .success(.unknownTask):
            logger.warning("tasks: dropped a report for unknown task \(taskID) without an owner to create it")
        case .success(.ownerMismatch(let owner)):
            logger.warning("tasks: dropped a report for task \(taskID) naming another owner than \(owner)")
        case .success(.finished(let event)):
            logger.info("tasks: dropped a report for task \(taskID), already \(event.status.rawValue)")
        case .failure(let error):
            logger.warning("tasks: a report for task \(taskID) was heard but not stored: \(error)")
        }
    }
}
