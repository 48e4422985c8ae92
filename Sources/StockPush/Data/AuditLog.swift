import Postgres
import Reactor
import Synchronization
import Telemetry

/// Records admin actions (disconnects, broadcasts, manual pushes) in `admin_audit`.
/// Handlers on event loops only enqueue; a worker thread does the blocking insert,
/// and entries wait in a queue while PostgreSQL is away. The queue is bounded in bytes,
/// not entries: a burst of large details must not grow the process without limit.
public final class AuditLog: Sendable {
    public struct Entry: Sendable {
        public let action: String
        public let actor: String
        /// A JSON object with the details (see `AuditDetail`).
        public let detail: String

        /// What the entry costs while it waits: its text plus a fixed allowance for the
        /// strings' and the array slot's own overhead.
        var size: Int { action.utf8.count + actor.utf8.count + detail.utf8.count + 64 }
    }

    /// What is waiting for PostgreSQL, and how much was dropped since the start.
    public struct Pending: Sendable {
        public var entries = 0
        public var bytes = 0
        public var dropped = 0
        public var newest: Entry?
    }

    /// 4 MiB: thousands of ordinary entries (a few hundred bytes each) through an outage.
    public static let defaultCapacityBytes = 4 << 20

    private struct Queue {
        var entries: [Entry] = []
        var bytes = 0
        var dropped = 0

        /// Drops the oldest entries until the newest fit in `capacity` bytes.
        mutating func trim(to capacity: Int) {
            var excess = 0
            while excess < entries.count && bytes > capacity {
                bytes -= entries[excess].size
                excess += 1
            }
            entries.removeFirst(excess)
            dropped += excess
        }
    }

    private let url: PostgresURL
    private let logger: Logger
    private let capacityBytes: Int
    private let queue = Mutex(Queue())
    private let worker = WorkerThread()

    public init(url: PostgresURL, logger: Logger, capacityBytes: Int = AuditLog.defaultCapacityBytes) {
        self.url = url
        self.logger = logger
        self.capacityBytes = capacityBytes
    }

    public var pending: Pending {
        queue.withLock { Pending(entries: $0.entries.count, bytes: $0.bytes, dropped: $0.dropped, newest: $0.entries.last) }
    }

    /// Thread-safe and non-blocking; drops the oldest entries when the queue is full (an
    /// entry larger than the whole queue is itself dropped).
    public func record(_ action: String, actor: String = "admin", detail: String = "{}") {
        let entry = Entry(action: action, actor: actor, detail: detail)
        let dropped = queue.withLock { queue -> Int in
            let before = queue.dropped
            guard entry.size <= capacityBytes else {
                queue.dropped += 1
                return 1
            }
            queue.entries.append(entry)
            queue.bytes += entry.size
            queue.trim(to: capacityBytes)
            return queue.dropped - before
        }
        if dropped > 0 {
            logger.warning("audit: queue full (\(capacityBytes) bytes); dropped the \(dropped) oldest entries")
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
                defer {
                    queue.entries.removeAll(keepingCapacity: true)
                    queue.bytes = 0
                }
                return queue.entries
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
                    requeue(batch)
                    if stop { return }
                    worker.sleep(1)
                }
            }
            if stop { return }
            worker.sleep(0.2)
        }
    }

    /// Puts a batch that failed back ahead of newer entries, within the bound.
    private func requeue(_ batch: [Entry]) {
        queue.withLock { queue in
            queue.entries.insert(contentsOf: batch, at: 0)
            queue.bytes += batch.reduce(0) { $0 + $1.size }
            queue.trim(to: capacityBytes)
        }
    }
}
