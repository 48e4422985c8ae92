import Market
import Reactor
import Time

/// Market hours: whether the scheduler pulls a market only while it trades, and (for
/// tests) where the market clock stands.
public struct MarketHoursConfiguration: Sendable, Equatable {
    public enum Mode: String, Sendable, CaseIterable {
        /// Every market at every interval, at any hour (the demo moves at night).
        case ignore
        /// A market only while it is open, plus one closing pull.
        case enforce
    }

    public var mode: Mode = .ignore
    /// Microseconds the market clock runs ahead of the wall clock (`--market-time`).
    public var offsetMicros: Int64 = 0

    public init() {}

    /// The market clock's instant at wall-clock `wallMicros`.
    public func marketMicros(atWall wallMicros: Int64) -> Int64 { wallMicros + offsetMicros }

    static let options: [OptionSpec] = [
        OptionSpec(
            "--market-hours", env: "MARKET_HOURS", default: "ignore",
            help: "enforce: pull a market only while it trades, plus a closing pull; ignore: every market at any hour"),
        OptionSpec(
            "--market-time", env: "MARKET_TIME",
            help: "testing: the market clock starts at this ISO 8601 instant and runs on from there"),
    ]

    init(from options: Options, wallMicros: Int64 = WallClock.nowMicroseconds()) throws(UsageError) {
        let modeText = options.string("--market-hours") ?? "ignore"
        guard let mode = Mode(rawValue: modeText) else {
            throw .invalidValue(option: "--market-hours", value: modeText, expected: "ignore or enforce")
        }
        self.mode = mode
        if let text = options.string("--market-time"), !text.isEmpty {
            guard let start = Timestamp.parseISO8601(text) else {
                throw .invalidValue(
                    option: "--market-time", value: text, expected: "an ISO 8601 instant, e.g. 2026-12-07T03:59:58Z")
            }
            offsetMicros = start - wallMicros
        }
    }

    /// What the scheduler enforces; nil when hours are ignored.
    func schedulerHours(_ catalog: any CatalogProvider) -> MarketHours? {
        guard mode == .enforce else { return nil }
        return MarketHours(clock: { catalog.catalog.clock }, offsetMicros: offsetMicros)
    }
}
