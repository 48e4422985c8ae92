import Time

/// Line-oriented logging. Each line goes to the sink in one call (by default one
/// write(2) to stderr), so lines from different threads never interleave.
public struct Logger: Sendable {
    public let label: String
    public var minimumLevel: Level
    private let sink: @Sendable (String) -> Void
    private let clock: @Sendable () -> Int64

    /// `sink` receives each finished line (newline included); `clock` gives the
    /// microseconds since the Unix epoch that start it. Tests replace both.
    public init(
        label: String, minimumLevel: Level = .info,
        sink: @escaping @Sendable (String) -> Void = StandardError.write,
        clock: @escaping @Sendable () -> Int64 = RealTimeClock.nowMicroseconds
    ) {
        self.label = label
        self.minimumLevel = minimumLevel
        self.sink = sink
        self.clock = clock
    }

    public func debug(_ message: @autoclosure () -> String) { log(.debug, message()) }
    public func info(_ message: @autoclosure () -> String) { log(.info, message()) }
    public func warning(_ message: @autoclosure () -> String) { log(.warning, message()) }
    public func error(_ message: @autoclosure () -> String) { log(.error, message()) }

    /// Below `minimumLevel` the message is never built.
    public func log(_ level: Level, _ message: @autoclosure () -> String) {
        guard level >= minimumLevel else { return }
        var line = Timestamp.iso8601(microsecondsSinceEpoch: clock())
        line += " \(level.label) [\(label)] \(message())\n"
        sink(line)
    }
}
