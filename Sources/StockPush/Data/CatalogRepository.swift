import Market
import Postgres

/// Reads the catalog from PostgreSQL in one snapshot (one transaction, so a reload
/// racing a change sees either all of it or none).
public enum CatalogRepository {
    public static func load(_ connection: PostgresConnection, version: Int) throws -> Catalog {
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
                       COALESCE(s.price_limit_percent, m.price_limit_percent)::float8 AS price_limit
                FROM stocks s JOIN markets m ON m.code = s.market
                ORDER BY s.code
                """
            ).map { row in
                Stock(
                    code: try row.decode("code"), name: try row.decode("name"), market: try row.decode("market"),
                    tickPrecision: try row.decode("tick_precision"), lotSize: try row.decode("lot_size"),
                    priceLimitPercent: try row.decode("price_limit", as: Double?.self),
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
            return Catalog(
                markets: markets, stocks: stocks, strategies: strategies, strategyDescriptions: descriptions,
                version: version)
        }
    }
}
