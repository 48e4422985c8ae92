import JSON
import Time

extension MarketCalendar {
    /// The sessions of a `trading_sessions` column: `[{"open":"09:30","close":"11:30"}, ...]`.
    public static func sessions(json text: String, market: String) throws(MarketCalendarError) -> [TradingSession] {
        let value: JSONValue
        do {
            value = try JSONParser.parse(text)
        } catch {
            throw .badSession(market: market, reason: "not JSON: \(text)")
        }
        guard let items = value.arrayValue else { throw .badSession(market: market, reason: "not a list: \(text)") }
        var sessions: [TradingSession] = []
        for item in items {
            guard let openText = item["open"]?.stringValue, let closeText = item["close"]?.stringValue,
                let open = TradingSession.minutes(openText), let close = TradingSession.minutes(closeText)
            else {
                throw .badSession(market: market, reason: "expected {\"open\":\"HH:MM\",\"close\":\"HH:MM\"}, got \(item)")
            }
            sessions.append(TradingSession(open: open, close: close))
        }
        return sessions
    }

    /// Days since 1970-01-01 of a holiday's `YYYY-MM-DD` (PostgreSQL's text of a date).
    public static func holiday(_ text: String, market: String) throws(MarketCalendarError) -> Int {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), (1...12).contains(month),
            (1...CivilCalendar.daysInMonth(year: year, month: month)).contains(day)
        else { throw .badHoliday(market: market, reason: "\"\(text)\" is not a YYYY-MM-DD date") }
        return CivilCalendar.days(year: year, month: month, day: day)
    }
}
