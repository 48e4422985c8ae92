import JSON
import Time

/// Line-oriented logging. Each line goes to the sink in one call (by default one
/// write(2) to stderr), so lines from different threads never interleave.
///
/// A line is a message plus structured fields: `key=value` after the message in text,
/// members of one JSON object per line with `LOG_FORMAT=json` (for log shippers).
public struct Logger: Sendable {
    /// The component (`push`, `cluster`, …): shown in brackets, or as `component`.
    public let label: String
    public var minimumLevel: Level
    public var format: LogFormat
    private let sink: @Sendable (String) -> Void
    private let clock: @Sendable () -> Int64

    /// `sink` receives each finished line (newline included); `clock` gives the
    /// microseconds since the Unix epoch that start it. Tests replace both.
    public init(
        label: String, minimumLevel: Level = .info, format: LogFormat = .text,
        sink: @escaping @Sendable (String) -> Void = StandardError.write,
        clock: @escaping @Sendable () -> Int64 = RealTimeClock.nowMicroseconds
    ) {
        self.label = label
        self.minimumLevel = minimumLevel
        self.format = format
        self.sink = sink
        self.clock = clock
    }

    /// The same sink, clock and format under another component name and level.
    public func component(_ label: String, minimumLevel: Level) -> Logger {
        Logger(label: label, minimumLevel: minimumLevel, format: format, sink: sink, clock: clock)
    }

    /// Whether a line at `level` would be written: guards work done only for a line.
    @inline(__always) public func isEnabled(_ level: Level) -> Bool { level >= minimumLevel }

    public func debug(_ message: @autoclosure () -> String, _ fields: @autoclosure () -> [LogField] = []) {
        log(.debug, message(), fields())
    }
    public func info(_ message: @autoclosure () -> String, _ fields: @autoclosure () -> [LogField] = []) {
        log(.info, message(), fields())
    }
    public func warning(_ message: @autoclosure () -> String, _ fields: @autoclosure () -> [LogField] = []) {
        log(.warning, message(), fields())
    }
    public func error(_ message: @autoclosure () -> String, _ fields: @autoclosure () -> [LogField] = []) {
        log(.error, message(), fields())
    }

    /// Below `minimumLevel` neither the message nor the fields are built.
    public func log(_ level: Level, _ message: @autoclosure () -> String, _ fields: @autoclosure () -> [LogField] = []) {
        guard level >= minimumLevel else { return }
        let time = clock()
        switch format {
        case .text: sink(LogLine.text(time: time, level: level, component: label, message: message(), fields: fields()))
        case .json: sink(LogLine.json(time: time, level: level, component: label, message: message(), fields: fields()))
        }
    }
}

/// How lines are written: `text` for people, `json` (one object per line) for shippers.
public enum LogFormat: String, Sendable, CaseIterable {
    case text, json
}

/// One structured field of a log line. Keys are literals (`client_id`), so the JSON
/// writer copies them as they are; values are typed, so numbers stay numbers in JSON.
public struct LogField: Sendable, Equatable {
    public enum Value: Sendable, Equatable {
        case string(String)
        case int(Int)
        case double(Double)
        case bool(Bool)
        case null
    }

    public let key: StaticString
    public let value: Value

    public init(_ key: StaticString, _ value: String) { self.init(key, value: .string(value)) }
    public init(_ key: StaticString, _ value: Int) { self.init(key, value: .int(value)) }
    public init(_ key: StaticString, _ value: Double) { self.init(key, value: .double(value)) }
    public init(_ key: StaticString, _ value: Bool) { self.init(key, value: .bool(value)) }

    public init(_ key: StaticString, value: Value) {
        self.key = key
        self.value = value
    }

    public var name: String { key.withUTF8Buffer { String(decoding: $0, as: UTF8.self) } }

    public static func == (lhs: LogField, rhs: LogField) -> Bool { lhs.name == rhs.name && lhs.value == rhs.value }
}
