import Market
import PushProtocol

/// The prices clients see, as of one tick: every known quote and its fragment,
/// serialized once. Immutable and shared by all loops; the publisher swaps in a new
/// board per tick.
public final class QuoteBoard: Sendable {
    public let tick: Int64
    public let quotes: [String: Quote]
    public let fragments: [String: QuoteFragment]

    public init(tick: Int64, quotes: [String: Quote], fragments: [String: QuoteFragment]) {
        self.tick = tick
        self.quotes = quotes
        self.fragments = fragments
    }

    public static let empty = QuoteBoard(tick: 0, quotes: [:], fragments: [:])
}

/// What one tick hands to every loop.
public struct TickUpdate: Sendable {
    public let tick: Int64
    /// When the publisher started sending this tick (µs since the epoch), taken once,
    /// before any message of the tick was built.
    public let timestamp: Int64
    /// Codes whose quote changed, sorted.
    public let changed: [String]
    public let board: QuoteBoard
    /// Monotonic time of `timestamp`, for the latency histogram.
    public let startedAt: UInt64

    public init(tick: Int64, timestamp: Int64, changed: [String], board: QuoteBoard, startedAt: UInt64) {
        self.tick = tick
        self.timestamp = timestamp
        self.changed = changed
        self.board = board
        self.startedAt = startedAt
    }
}
