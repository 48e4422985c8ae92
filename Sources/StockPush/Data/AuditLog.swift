import Postgres
import Reactor
import Synchronization
import Telemetry

/// Records admin actions (disconnects, broadcasts, manual pushes) in `admin_audit`.
/// Handlers on event loops only enqueue; a worker thread does the blocking insert,
/// and entries wait in a bounded queue while PostgreSQL is away.
public final class AuditLog: Sendable {
    public struct Entry: Sendable {
        public let action: String
        public let actor: String
        /// A JSON object with the details.
        public let detail: String
    }

    private let url: PostgresURL
    private let logger: Logger
    private let queue = Mutex<[Entry]>([])
    private let worker = WorkerThread()
    private let capacity = 10_000

    public init(url: PostgresURL, logger: Logger) {
        self.url = url
        self.logger = logger
    }

    /// Thread-safe and non-blocking; drops the oldest entry when the queue is full.
    public func record(_ action: String, actor: String = "admin", detail: String = "{}") {
        queue.withLock { queue in
            if queue.count >= capacity { queue.removeFirst() }
            queue.append(Entry(action: action, actor: actor, detail: detail))
        }
    }

    public func start() throws {
        try worker.start(name: "audit") { [self] in run() }
    }

    public func stop() {
        worker.stop()
    }

    private func run() {
        let client = PostgresClient(url: url, log: { [logger] in logger.warning("audit: \($0)") })
        defer { client.close() }
        while true {
            let stop = worker.isStopping
            let batch = queue.withLock { queue -> [Entry] in
                defer { queue.removeAll(keepingCapacity: true) }
                return queue
            }
            if !batch.isEmpty {
                do {
                    try client.withConnection(deadlineSeconds: 2) { connection in
                        for entry in batch {
                            try connection.execute(
                                "INSERT INTO admin_audit (action, actor, detail) VALUES ($1, $2, $3::jsonb)",
                                [.text(entry.action), .text(entry.actor), .text(entry.detail)])
                        }
                    }
                } catch {
                    // Keep them for the next attempt (ahead of newer entries).
                    queue.withLock { $0.insert(contentsOf: batch, at: 0) }
                    if stop { return }
                    worker.sleep(1)
                }
            }
            if stop { return }
            worker.sleep(0.2)
        }
    }
}
