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
