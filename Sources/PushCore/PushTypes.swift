import PushProtocol

/// A client of the price stream as the core knows it: a slot in its registry. Slots are
/// reused after a client leaves, so the shell maps them to connections by index and the
/// core never hands out a slot of a client it has already released.
public struct ClientID: Hashable, Sendable, CustomStringConvertible {
    public let slot: Int

    public init(slot: Int) {
        self.slot = slot
    }

    public var description: String { "#\(slot)" }
}

/// The time an input happens at, passed in by the shell (the core reads no clock).
public struct PushTime: Sendable, Equatable {
    /// Monotonic nanoseconds; the event loop's time of the current iteration.
    public var monotonic: UInt64
    /// Wall-clock microseconds since the Unix epoch, for message timestamps.
    public var wallMicros: Int64
    /// The instant market calendars are read at: the wall clock, unless a testing offset
    /// (`--market-time`) moves the markets' day elsewhere.
    public var marketMicros: Int64

    public init(monotonic: UInt64, wallMicros: Int64, marketMicros: Int64? = nil) {
        self.monotonic = monotonic
        self.wallMicros = wallMicros
        self.marketMicros = marketMicros ?? wallMicros
    }
}

/// Why the core asks the shell to close a client (each a 1008 on the wire).
public enum PushCloseReason: Equatable, Sendable {
    /// The client kept flooding past the rate limit.
    case flood
    /// An admin disconnected it.
    case admin

    public var text: String {
        switch self {
        case .flood: "rate limit exceeded for 10 s"
        case .admin: "disconnected by admin"
        }
    }
}
