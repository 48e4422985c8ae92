import Glibc
import Postgres
import Reactor
import Retry
import Synchronization
import Telemetry

/// Why a job given to `DatabaseWorker` did not run to its end.
public enum DatabaseJobError: Error, Sendable, Equatable, CustomStringConvertible {
    /// PostgreSQL was not reachable within the job's wait (`reason` says what failed).
    case unavailable(reason: String)
    /// `capacity` jobs were already waiting: refused at once instead of queued without bound.
    case busy(capacity: Int)
    /// The worker is stopping (or was never started).
    case stopped
    /// The statement itself failed (a constraint, a bug in the SQL).
    case failed(PostgresError)

    public var description: String {
        switch self {
        case .unavailable(let reason): return "PostgreSQL unavailable: \(reason)"
        case .busy(let capacity): return "PostgreSQL worker busy: \(capacity) requests already waiting"
        case .stopped: return "PostgreSQL worker stopped"
        case .failed(let error): return "\(error)"
        }
    }
}

/// Runs PostgreSQL queries for request handlers off the event loops: libpq blocks, so a
/// handler submits a job and returns; this worker's thread runs it on its own connection
/// (reconnecting with backoff) and calls the completion there, which completes an
/// `HTTPResponder` back on its loop. Every job answers within its wait (`maxWait`),
/// so a request meets an outage with a prompt error, never a hang: a watchdog thread
/// fails jobs still queued at their deadline, and the running one `stallGrace` after it
/// (a statement stuck on a silent server; it may still finish, unanswered).
public final class DatabaseWorker: Sendable {
    /// Claimed by whichever answers a job first: its statement, or the watchdog.
    private final class Once: Sendable {
        private let done = Atomic<Bool>(false)
        func claim() -> Bool { !done.exchange(true, ordering: .acquiringAndReleasing) }
    }

    private struct Job: Sendable {
        let deadline: UInt64
        let run: @Sendable (PostgresConnection) throws(PostgresError) -> Void
        let fail: @Sendable (DatabaseJobError) -> Void
    }

    /// Past its deadline, how long the running job may take before the watchdog answers
    /// for it (a connect attempt may overrun the deadline by its 2 s minimum timeout).
    static let stallGrace = 2.5

    /// Seconds a job may wait (queued or reconnecting) before it fails as unavailable.
    public let maxWait: Double
    public let capacity: Int
    private let url: PostgresURL
    private let logger: Logger
    private let jobs = Mutex<[Job]>([])
    private let running = Atomic<Bool>(false)
    private let worker = WorkerThread()
    private let watchdog = WorkerThread()
    /// The job the worker is running, for the watchdog.
    private let current = Mutex<Job?>(nil)
    /// Wakes the thread when a job arrives (a plain semaphore: no Foundation here).
    nonisolated(unsafe) private let wakeup: UnsafeMutablePointer<sem_t>

    public init(url: PostgresURL, logger: Logger, maxWait: Double = 3, capacity: Int = 256) {
        self.url = url
        self.logger = logger
        self.maxWait = maxWait
        self.capacity = capacity
        wakeup = .allocate(capacity: 1)
        sem_init(wakeup, 0, 0)
    }

    deinit {
        sem_destroy(wakeup)
        wakeup.deallocate()
    }

    public func start(name: String = "database") throws {
        running.store(true, ordering: .releasing)
        try worker.start(name: name) { [self] in run() }
        try watchdog.start(name: name + "-watchdog") { [self] in
            while !watchdog.isStopping {
                expire(now: MonotonicClock.now())
                watchdog.sleep(0.1)
            }
        }
    }

    /// Fails the queued jobs past their deadline, and the running one past its grace.
    private func expire(now: UInt64) {
        let expired = jobs.withLock { jobs -> [Job] in
            let late = jobs.filter { $0.deadline <= now }
            if !late.isEmpty { jobs.removeAll { $0.deadline <= now } }
            return late
        }
        let reason = "PostgreSQL did not answer within \(maxWait) s"
        for job in expired { job.fail(.unavailable(reason: reason)) }
        let stalled = current.withLock { job -> Job? in
            guard let running = job, running.deadline &+ UInt64(Self.stallGrace * 1e9) <= now else { return nil }
            job = nil
            return running
        }
        stalled?.fail(.unavailable(reason: reason))
    }

    /// Stops the thread; jobs still queued fail with `stopped`.
    public func stop() {
        // Under the queue's lock, so a job is either taken here or refused by `submit`.
        let left = jobs.withLock { jobs -> [Job] in
            running.store(false, ordering: .releasing)
            defer { jobs.removeAll() }
            return jobs
        }
        sem_post(wakeup)
        watchdog.stop()
        for job in left { job.fail(.stopped) }
        worker.stop()
    }

    /// Queues `work`; `completion` gets its value or why it did not run, exactly once, on
    /// the worker's thread (or on the caller's, when refused at once).
    public func submit<R: Sendable>(
        _ work: @escaping @Sendable (PostgresConnection) throws(PostgresError) -> R,
        completion: @escaping @Sendable (Result<R, DatabaseJobError>) -> Void
    ) {
        let once = Once()
        let job = Job(
            deadline: MonotonicClock.now() &+ UInt64(maxWait * 1e9),
            run: { connection throws(PostgresError) in
                let value = try work(connection)
                if once.claim() { completion(.success(value)) }
            },
            fail: { error in if once.claim() { completion(.failure(error)) } })
        let refusal = jobs.withLock { jobs -> DatabaseJobError? in
            guard running.load(ordering: .acquiring) else { return .stopped }
            guard jobs.count < capacity else { return .busy(capacity: capacity) }
            jobs.append(job)
            return nil
        }
        if let refusal { return completion(.failure(refusal)) }
        sem_post(wakeup)
    }

    private func run() {
        let client = PostgresClient(
            url: url, backoff: Backoff(initial: 0.1, maximum: 1, seed: UInt64(truncatingIfNeeded: MonotonicClock.now())),
            sleep: worker.sleep, log: { [logger] in logger.warning("database worker: \($0)") })
        defer { client.close() }
        while !worker.isStopping {
            guard let job = jobs.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else {
                waitForJob()
                continue
            }
            current.withLock { $0 = job }
            perform(job, client)
            current.withLock { $0 = nil }
        }
    }

    /// Runs one job, once more after a lost connection (a stale socket after a database
    /// restart fails before the statement reaches the server) while its wait allows.
    private func perform(_ job: Job, _ client: PostgresClient) {
        var attempts = 0
        while true {
            let now = MonotonicClock.now()
            guard now < job.deadline, !worker.isStopping else {
                return job.fail(worker.isStopping ? .stopped : .unavailable(reason: "no connection within \(maxWait) s"))
            }
            attempts += 1
            do {
                try client.withConnection(deadlineSeconds: Double(job.deadline - now) / 1e9) { connection in
                    try job.run(connection)
                }
                return
            } catch let error as PostgresError where error.isConnectionError {
                if attempts >= 2 { return job.fail(.unavailable(reason: "\(error)")) }
            } catch let error as PostgresError {
                return job.fail(.failed(error))
            } catch {
                return job.fail(.unavailable(reason: "\(error)"))
            }
        }
    }

    /// Sleeps until a job arrives, waking every 200 ms to notice a stop.
    private func waitForJob() {
        var deadline = timespec()
        clock_gettime(CLOCK_REALTIME, &deadline)
        deadline.tv_nsec += 200_000_000
        if deadline.tv_nsec >= 1_000_000_000 {
            deadline.tv_sec += 1
            deadline.tv_nsec -= 1_000_000_000
        }
        _ = sem_timedwait(wakeup, &deadline)
    }
}
