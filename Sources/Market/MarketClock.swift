/// A market's state at an instant: its status, since when, and when it changes next
/// (microseconds since the epoch; nil when no change lies within `MarketClock.horizonDays`,
/// e.g. a market without sessions).
public struct MarketState: Sendable, Equatable {
    public var status: MarketStatus
    public var since: Int64?
    public var nextChange: Int64?

    public init(status: MarketStatus, since: Int64?, nextChange: Int64?) {
        self.status = status
        self.since = since
        self.nextChange = nextChange
    }
}

/// Every market's calendar: answers pre-open / open / lunch break / closed and the next
/// change for any instant. A pure value (the catalog carries it); the caller passes the
/// time in, so tests and the testing clock offset drive it at will.
public struct MarketClock: Sendable, Equatable {
    public let calendars: [String: MarketCalendar]

    /// How far back and ahead a change is looked for: past the longest holiday run
    /// (Chinese New Year: a week and two weekends).
    public static let horizonDays = 31

    public init(_ calendars: [MarketCalendar] = []) {
        self.calendars = Dictionary(calendars.map { ($0.market, $0) }, uniquingKeysWith: { _, last in last })
    }

    public static let empty = MarketClock()

    /// Market codes with a calendar, sorted.
    public var markets: [String] { calendars.keys.sorted() }

    /// The state of `market` at `micros`; nil for a market without a calendar.
    public func state(of market: String, at micros: Int64) -> MarketState? {
        guard let calendar = calendars[market] else { return nil }
        let seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
        let local = calendar.zone.local(fromUTC: seconds)
        let today = Int(local >= 0 ? local / 86_400 : (local - 86_399) / 86_400)
        // The last change at or before `micros`, looking back day by day.
        var current: (at: Int64, status: MarketStatus)?
        for day in stride(from: today + 1, through: today - Self.horizonDays, by: -1) {
            if let change = calendar.changes(onLocalDay: day).last(where: { $0.at <= micros }) {
                current = change
                break
            }
        }
        var next: Int64?
        for day in (today - 1)...(today + Self.horizonDays) {
            if let change = calendar.changes(onLocalDay: day).first(where: { $0.at > micros }) {
                next = change.at
                break
            }
        }
        return MarketState(status: current?.status ?? .closed, since: current?.at, nextChange: next)
    }

    /// The states of every market at `micros`, by code.
    public func states(at micros: Int64) -> [String: MarketState] {
        var result: [String: MarketState] = [:]
        for market in calendars.keys { result[market] = state(of: market, at: micros) }
        return result
    }

    /// The earliest next change of any market after `micros`.
    public func nextChange(after micros: Int64) -> Int64? {
        calendars.keys.compactMap { state(of: $0, at: micros)?.nextChange }.min()
    }
}
