/// A listed security as the catalog knows it.
public struct Stock: Sendable, Equatable {
    public var code: String
    public var name: String
    public var market: String
    /// Decimal places of a price.
    public var tickPrecision: Int
    public var lotSize: Int
    /// Effective daily limit in percent of the previous close (`PriceLimitRule`, resolved
    /// when the catalog is loaded); nil where prices move freely.
    public var priceLimitPercent: Double?
    /// Starting level for simulations.
    public var referencePrice: Double
    public var active: Bool

    public init(
        code: String, name: String, market: String, tickPrecision: Int = 2, lotSize: Int = 100,
        priceLimitPercent: Double? = nil, referencePrice: Double, active: Bool = true
    ) {
        self.code = code
        self.name = name
        self.market = market
        self.tickPrecision = tickPrecision
        self.lotSize = lotSize
        self.priceLimitPercent = priceLimitPercent
        self.referencePrice = referencePrice
        self.active = active
    }

    /// The smallest price step, e.g. 0.01 for two decimals.
    public var tickSize: Double { 1 / Rounding.pow10(tickPrecision) }
}

/// An exchange and its trading rules.
public struct MarketInfo: Sendable, Equatable {
    public var code: String
    public var name: String
    public var timezone: String
    public var currency: String
    public var priceLimitPercent: Double?

    public init(code: String, name: String, timezone: String, currency: String, priceLimitPercent: Double? = nil) {
        self.code = code
        self.name = name
        self.timezone = timezone
        self.currency = currency
        self.priceLimitPercent = priceLimitPercent
    }
}
