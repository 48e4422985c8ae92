/// An immutable snapshot of markets, stocks and strategies. A reload builds a new
/// snapshot and swaps it in whole, so readers never see half a change.
public struct Catalog: Sendable {
    public enum ResolveError: Error, Equatable, Sendable {
        case unknownTarget(SubscriptionKey)
    }

    public let markets: [String: MarketInfo]
    /// Every stock, active or not, by code.
    public let stocks: [String: Stock]
    /// Strategy name → member stock codes, in a stable order.
    public let strategies: [String: [String]]
    public let strategyDescriptions: [String: String]
    /// Active stock codes by market.
    private let marketMembers: [String: [String]]
    /// Bumped by every reload; lets caches tell snapshots apart.
    public let version: Int
    /// The markets' trading calendars, loaded with the rest (a reload swaps both at once).
    public let clock: MarketClock

    public init(
        markets: [MarketInfo], stocks: [Stock], strategies: [String: [String]],
        strategyDescriptions: [String: String] = [:], version: Int = 0, clock: MarketClock = .empty
    ) {
        self.markets = Dictionary(markets.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
        self.stocks = Dictionary(stocks.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
        self.strategies = strategies
        self.strategyDescriptions = strategyDescriptions
        var members: [String: [String]] = [:]
        for stock in stocks where stock.active {
            members[stock.market, default: []].append(stock.code)
        }
        for key in members.keys { members[key]?.sort() }
        marketMembers = members
        self.version = version
        self.clock = clock
    }

    /// No catalog yet (version 0): what readers see before the first load.
    public static let empty = Catalog(markets: [], stocks: [], strategies: [:])

    /// Whether this came from a load (every load has a version of 1 or more), as opposed
    /// to `empty`, which stands for "not loaded yet" and resolves no target at all.
    public var isLoaded: Bool { version > 0 }

    /// Active stocks, sorted by code (what the scheduler pulls).
    public var activeStocks: [Stock] {
        stocks.values.filter(\.active).sorted { $0.code < $1.code }
    }

    /// The active stock codes a subscription covers. A known strategy or market with no
    /// active members resolves to an empty list (still a valid target); an unknown one
    /// throws, and so does an unknown or inactive stock.
    public func resolve(_ key: SubscriptionKey) throws(ResolveError) -> [String] {
        switch key.type {
        case .strategy:
            guard let members = strategies[key.target] else { throw .unknownTarget(key) }
            return members.filter { stocks[$0]?.active == true }
        case .stock:
            guard let stock = stocks[key.target], stock.active else { throw .unknownTarget(key) }
            return [stock.code]
        case .market:
            guard markets[key.target] != nil else { throw .unknownTarget(key) }
            return marketMembers[key.target] ?? []
        }
    }

    /// The markets whose status a subscription to `key` concerns: the market itself, or
    /// the markets of the stocks it covers.
    public func markets(of key: SubscriptionKey, covering stocks: [String]) -> Set<String> {
        if key.type == .market { return [key.target] }
        return Set(stocks.compactMap { self.stocks[$0]?.market })
    }
}
