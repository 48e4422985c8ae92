/// Which local trading day a moment falls on, per market. Fixed UTC offsets (no DST):
/// enough to roll the simulated day over at about local midnight.
public enum TradingDay {
    static let utcOffsetHours: [String: Int64] = ["SH": 8, "SZ": 8, "HK": 8, "US": -5]

    public static func index(of microseconds: Int64, market: String) -> Int64 {
        let offset = (utcOffsetHours[market] ?? 0) * 3_600_000_000
        let local = microseconds + offset
        let day: Int64 = 86_400_000_000
        return local >= 0 ? local / day : (local - day + 1) / day
    }
}
