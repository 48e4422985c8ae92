import Market
import Postgres
import Time

/// Reads the catalog from PostgreSQL in one snapshot (one transaction, so a reload
/// racing a change sees either all of it or none).
public enum CatalogRepository {
    /// Throws (and the caller keeps its last good catalog) when a market's sessions or a
    /// holiday do not parse, or its time zone is not in `zones`; the error names it.
    public static func load(
        _ connection: PostgresConnection, version: Int, zones: TimeZoneDatabase = TimeZoneDatabase()
    ) throws -> Catalog {
        try connection.transaction { connection in
            _ = try connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            let markets = try connection.query(
                "SELECT code, name, timezone, currency, price_limit_percent::float8 AS price_limit FROM markets ORDER BY code"
            ).map { row in
                MarketInfo(
                    code: try row.decode("code"), name: try row.decode("name"), timezone: try row.decode("timezone"),
                    currency: try row.decode("currency"), priceLimitPercent: try row.decode("price_limit", as: Double?.self))
            }
            let stocks = try connection.query(
                """
                SELECT s.code, s.name, s.market, s.tick_precision, s.lot_size, s.active,
                       s.reference_price::float8 AS reference_price,
                       s.price_limit_percent::float8 AS own_limit, m.price_limit_percent::float8 AS market_limit
                FROM stocks s JOIN markets m ON m.code = s.market
                ORDER BY s.code
                """
            ).map { row in
                let (code, name): (String, String) = (try row.decode("code"), try row.decode("name"))
                return Stock(
                    code: code, name: name, market: try row.decode("market"),
                    tickPrecision: try row.decode("tick_precision"), lotSize: try row.decode("lot_size"),
                    priceLimitPercent: PriceLimitRule.percent(
                        code: code, name: name, own: try row.decode("own_limit", as: Double?.self),
                        market: try row.decode("market_limit", as: Double?.self)),
                    referencePrice: try row.decode("reference_price"), active: try row.decode("active"))
            }
            var strategies: [String: [String]] = [:]
            var descriptions: [String: String] = [:]
            for row in try connection.query("SELECT name, description FROM strategies") {
                let name: String = try row.decode("name")
                strategies[name] = []
                descriptions[name] = try row.decode("description")
            }
            for row in try connection.query("SELECT strategy, stock FROM strategy_stocks ORDER BY strategy, added_at, stock") {
                strategies[try row.decode("strategy") as String, default: []].append(try row.decode("stock"))
            }
            let clock = try loadClock(connection, zones: zones)
            return Catalog(
                markets: markets, stocks: stocks, strategies: strategies, strategyDescriptions: descriptions,
                version: version, clock: clock)
        }
    }

    /// Every market's calendar: sessions, pre-open, time zone rules and holidays.
    static func loadClock(_ connection: PostgresConnection, zones: TimeZoneDatabase) throws -> MarketClock {
        var holidays: [String: Set<Int>] = [:]
        for row in try connection.query("SELECT market, day::text AS day FROM market_holidays ORDER BY market, day") {
            let market: String = try row.decode("market")
            holidays[market, default: []].insert(try MarketCalendar.holiday(try row.decode("day"), market: market))
        }
        let rows = try connection.query(
            "SELECT code, timezone, trading_sessions::text AS sessions, pre_open_minutes FROM markets ORDER BY code")
        var calendars: [MarketCalendar] = []
        for row in rows {
            let market: String = try row.decode("code")
            let sessions = try MarketCalendar.sessions(json: try row.decode("sessions"), market: market)
            calendars.append(
                try MarketCalendar(
                    market: market, zone: try zones.rules(for: try row.decode("timezone")), sessions: sessions,
                    holidays: holidays[market] ?? [], preOpenMinutes: try row.decode("pre_open_minutes")))
        }
        return MarketClock(calendars)
    }
}
