import Reactor
import Redis
import Synchronization
import Telemetry

/// Why a job given to `RedisWorker` did not run to its end.
public enum RedisJobError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Redis could not be reached (or failed mid-job); `reason` says how.
    case unavailable(reason: String)
    /// `capacity` jobs were already waiting: refused at once instead of queued without bound.
    case busy(capacity: Int)
    /// The worker is stopping (or was never started).
    case stopped
    /// Redis answered, with an error or a reply of the wrong shape (a bug, not an outage).
    case failed(RedisError)

    public var description: String {
        switch self {
        case .unavailable(let reason): "Redis unavailable: \(reason)"
        case .busy(let capacity): "Redis worker busy: \(capacity) requests already waiting"
        case .stopped: "Redis worker stopped"
        case .failed(let error): "\(error)"
        }
    }
}

/// Runs Redis commands for request handlers and loops off the event loops (hiredis
/// blocks): a handler submits a job and returns; this thread runs it on its own
/// connection and calls the completion there. While Redis is down every job fails at
/// once with `unavailable` (a prompt 503, never a hang); the thread reconnects with
/// backoff, logging the outage once and the recovery once.
public final class RedisWorker: Sendable {
    private struct Job: Sendable {
        let run: @Sendable (RedisConnection) throws(RedisError) -> Void
        let fail: @Sendable (RedisJobError) -> Void
    }

    private struct State {
        var jobs: [Job] = []
        var running = false
        /// Set while Redis is down: jobs fail at once until the next attempt.
        var down: String?
    }

    public let capacity: Int
    private let endpoint: RedisEndpoint
    private let name: String
    private let logger: Logger
    private let state = Mutex(State())
    private let wake: WakePipe
    private let worker = WorkerThread()

    public init(endpoint: RedisEndpoint, name: String, logger: Logger, capacity: Int = 4096) throws {
        self.endpoint = endpoint
        self.name = name
        self.logger = logger
        self.capacity = capacity
        wake = try WakePipe()
    }

    /// Whether the last attempt reached Redis.
    public var isAvailable: Bool { state.withLock { $0.running && $0.down == nil } }

    /// Queues `work`; `completion` gets its value or why it did not run, exactly once, on
    /// the worker's thread (or on the caller's, when refused at once).
    public func submit<R: Sendable>(
        _ work: @escaping @Sendable (RedisConnection) throws(RedisError) -> R,
        completion: @escaping @Sendable (Result<R, RedisJobError>) -> Void
    ) {
        let job = Job(
            run: { connection throws(RedisError) in completion(.success(try work(connection))) },
            fail: { completion(.failure($0)) })
        let refusal = state.withLock { state -> RedisJobError? in
            guard state.running else { return .stopped }
            if let reason = state.down { return .unavailable(reason: reason) }
            guard state.jobs.count < capacity else { return .busy(capacity: capacity) }
            state.jobs.append(job)
            return nil
        }
        if let refusal { return completion(.failure(refusal)) }
        wake.signal()
    }

    public func start() throws {
        state.withLock { $0.running = true }
        try worker.start(name: name) { [self] in run() }
    }

    /// Stops the thread; jobs still queued fail with `stopped`.
    public func stop() {
        let left = state.withLock { state -> [Job] in
            state.running = false
            defer { state.jobs.removeAll() }
            return state.jobs
        }
        for job in left { job.fail(.stopped) }
        worker.stop()
    }

    private func run() {
        var connection: RedisConnection?
        var backoff = 0.1
        var outage = false
        defer { connection?.close() }
        while !worker.isStopping {
            let jobs = state.withLock { state -> [Job] in
                defer { state.jobs.removeAll(keepingCapacity: true) }
                return state.jobs
            }
            guard !jobs.isEmpty else {
                wake.wait(milliseconds: 200)
                continue
            }
            for (index, job) in jobs.enumerated() {
                if connection == nil || connection?.isConnected == false {
                    connection?.close()
                    connection = connect(backoff: &backoff, outage: &outage, failing: Array(jobs[index...]))
                    if connection == nil { break }
                }
                perform(job, on: &connection)
            }
        }
    }

    /// A connection, or nil after failing `waiting` and sleeping out the backoff (jobs
    /// submitted meanwhile fail at once).
    private func connect(backoff: inout Double, outage: inout Bool, failing waiting: [Job]) -> RedisConnection? {
        do throws(RedisError) {
            let connection = try endpoint.connectPrimary(timeoutSeconds: 1)
            connection.setReadTimeout(seconds: 2)
            if outage { logger.info("\(name): Redis is back") }
            outage = false
            backoff = 0.1
            return connection
        } catch {
            let reason = "\(error)"
            state.withLock { $0.down = reason }
            if !outage {
                logger.warning("\(name): Redis at \(endpoint) unavailable (\(reason)); requests answer 503 until it is back")
            }
            let queued = state.withLock { state -> [Job] in
                defer { state.jobs.removeAll() }
                return state.jobs
            }
            outage = true
            for job in waiting + queued { job.fail(.unavailable(reason: reason)) }
            worker.sleep(backoff)
            backoff = min(backoff * 2, 2)
            // The next job (or this one) tries again.
            state.withLock { $0.down = nil }
            return nil
        }
    }

    private func perform(_ job: Job, on connection: inout RedisConnection?) {
        guard let open = connection else { return job.fail(.unavailable(reason: "no connection")) }
        do throws(RedisError) {
            try job.run(open)
        } catch {
            switch error {
            case .connectionLost, .timeout, .connectionFailed:
                open.close()
                connection = nil
                job.fail(.unavailable(reason: "\(error)"))
            default:
                job.fail(.failed(error))
            }
        }
    }
}
