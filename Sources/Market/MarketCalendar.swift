import Time

/// A market's phase of the trading day.
public enum MarketStatus: String, Sendable, Equatable, CaseIterable {
    /// From `preOpenMinutes` before the first session until it opens (call auctions,
    /// pre-opening sessions).
    case preOpen = "pre_open"
    case open
    /// Between two sessions of the same day.
    case lunchBreak = "lunch_break"
    /// After the last session until the next trading day's pre-open (nights, weekends,
    /// holidays).
    case closed
}

/// A continuous trading session in local wall-clock minutes after midnight.
public struct TradingSession: Sendable, Equatable {
    public var open: Int
    public var close: Int

    public init(open: Int, close: Int) {
        self.open = open
        self.close = close
    }

    /// Minutes after midnight of "HH:MM" (00:00 to 24:00); nil for anything else.
    public static func minutes(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        guard bytes.count == 5, bytes[2] == 58,
            bytes.enumerated().allSatisfy({ $0.offset == 2 || (48...57).contains($0.element) })
        else { return nil }
        let hour = Int(bytes[0] - 48) * 10 + Int(bytes[1] - 48)
        let minute = Int(bytes[3] - 48) * 10 + Int(bytes[4] - 48)
        guard minute < 60, hour < 24 || (hour == 24 && minute == 0) else { return nil }
        return hour * 60 + minute
    }
}

/// Why a market's calendar was refused: every case names the market.
public enum MarketCalendarError: Error, Equatable, Sendable, CustomStringConvertible {
    case badSession(market: String, reason: String)
    case badHoliday(market: String, reason: String)

    public var description: String {
        switch self {
        case .badSession(let market, let reason): "market \(market): bad trading session: \(reason)"
        case .badHoliday(let market, let reason): "market \(market): bad holiday: \(reason)"
        }
    }
}

/// One market's trading calendar: its sessions in local time, its time zone's rules, and
/// the local days it does not trade besides weekends.
public struct MarketCalendar: Sendable, Equatable {
    public let market: String
    public let zone: TimeZoneRules
    /// Ascending and disjoint.
    public let sessions: [TradingSession]
    /// Local days (days since 1970-01-01) without trading.
    public let holidays: Set<Int>
    /// How long before the first session the market is `pre_open`.
    public let preOpenMinutes: Int

    public init(
        market: String, zone: TimeZoneRules, sessions: [TradingSession], holidays: Set<Int> = [], preOpenMinutes: Int = 15
    ) throws(MarketCalendarError) {
        var previousClose = -1
        for session in sessions {
            guard session.open < session.close else {
                throw .badSession(market: market, reason: "opens at minute \(session.open), not before its close")
            }
            guard session.open > previousClose, session.open >= 0, session.close <= 1440 else {
                throw .badSession(market: market, reason: "sessions must be ascending, disjoint and within one day")
            }
            previousClose = session.close
        }
        guard (0...720).contains(preOpenMinutes), preOpenMinutes <= sessions.first?.open ?? 0 || sessions.isEmpty else {
            throw .badSession(market: market, reason: "pre-open of \(preOpenMinutes) minutes starts before midnight")
        }
        self.market = market
        self.zone = zone
        self.sessions = sessions
        self.holidays = holidays
        self.preOpenMinutes = preOpenMinutes
    }

    /// Whether the local day trades: a weekday that is not a holiday.
    public func trades(onLocalDay day: Int) -> Bool {
        let weekday = ((day + 4) % 7 + 7) % 7  // 0 = Sunday; 1970-01-01 was a Thursday
        return weekday != 0 && weekday != 6 && !holidays.contains(day) && !sessions.isEmpty
    }

    /// The changes of a local day, in order: (instant in microseconds, status from then on).
    func changes(onLocalDay day: Int) -> [(at: Int64, status: MarketStatus)] {
        guard trades(onLocalDay: day) else { return [] }
        func instant(_ minutes: Int) -> Int64 {
            zone.utc(fromLocal: Int64(day) * 86_400 + Int64(minutes) * 60) * 1_000_000
        }
        var result: [(at: Int64, status: MarketStatus)] = []
        if preOpenMinutes > 0 { result.append((instant(sessions[0].open - preOpenMinutes), .preOpen)) }
        for (index, session) in sessions.enumerated() {
            result.append((instant(session.open), .open))
            result.append((instant(session.close), index == sessions.count - 1 ? .closed : .lunchBreak))
        }
        return result
    }
}
