import Synchronization

/// Collects log lines from any thread, for tests that check what was logged.
public final class LogRecorder: Sendable {
    private let lines = Mutex<[String]>([])

    public init() {}

    public var all: [String] { lines.withLock { $0 } }

    @Sendable public func record(_ line: String) { lines.withLock { $0.append(line) } }
}
