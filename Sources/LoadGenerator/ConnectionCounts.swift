import JSON

/// What became of a run's connections: one loop's, one process's, or a merged run's.
/// One type with one `merge`, so threads and processes add up the same way.
public struct ConnectionCounts: Sendable, Equatable {
    public var opened = 0
    public var failed = 0
    public var closed = 0
    /// Clients that stopped reading after subscribing (`--stop-reading`).
    public var stoppedReading = 0
    /// Open, reading clients that got no `price_update` in the measured window: with
    /// ticks shorter than the window, each one is a client the server left out.
    public var silent = 0
    /// Close codes the server sent, by code.
    public var closeCodes: [UInt16: Int] = [:]
    /// Connections that never opened, by reason ("HTTP 429", "connect: …").
    public var failures: [String: Int] = [:]

    public init() {}

    /// Open at the end of the measured window.
    public var open: Int { opened - closed }

    public mutating func merge(_ other: ConnectionCounts) {
        opened += other.opened
        failed += other.failed
        closed += other.closed
        stoppedReading += other.stoppedReading
        silent += other.silent
        closeCodes.merge(other.closeCodes, uniquingKeysWith: +)
        failures.merge(other.failures, uniquingKeysWith: +)
    }
}

extension ConnectionCounts {
    /// `"failures":{reason:count,…}` in reason order, as both JSON reports write it.
    func writeFailures(into writer: inout JSONWriter) {
        writer.key("failures")
        writer.beginObject()
        for (reason, count) in failures.sorted(by: { $0.key < $1.key }) {
            writer.key(escaping: reason)
            writer.int(count)
        }
        writer.endObject()
    }

    /// The five most frequent reasons connections failed, for the text reports.
    var commonFailures: ArraySlice<(key: String, value: Int)> { failures.sorted { $0.value > $1.value }.prefix(5) }
}
