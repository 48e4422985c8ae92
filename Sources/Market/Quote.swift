/// One stock's latest quote as the source reported it.
public struct Quote: Sendable, Equatable {
    public var code: String
    public var price: Double
    public var prevClose: Double
    /// Shares traded today.
    public var volume: Int64
    /// Money traded today, in the market's currency.
    public var turnover: Double
    /// When the source quoted the price, microseconds since the Unix epoch (UTC).
    public var quoteTime: Int64
    /// When the leader wrote the quote to Redis (µs since the epoch); 0 until then, and
    /// for quotes stored by a build that did not record it.
    public var ingestTime: Int64

    public init(
        code: String, price: Double, prevClose: Double, volume: Int64, turnover: Double, quoteTime: Int64,
        ingestTime: Int64 = 0
    ) {
        self.code = code
        self.price = price
        self.prevClose = prevClose
        self.volume = volume
        self.turnover = turnover
        self.quoteTime = quoteTime
        self.ingestTime = ingestTime
    }

    /// `price - prev_close` at the stock's tick precision: a price field like price and
    /// prev_close, so that a client can reconcile the three (4.008 - 4.012 is -0.004, which
    /// 2 decimals would show as 0.00 beside a -0.10 % change).
    public func change(decimals: Int) -> Double { Rounding.round(price - prevClose, decimals: decimals) }

    /// `change / prev_close * 100`, rounded to 2 decimals; 0 when there is no previous close.
    public var changePercent: Double {
        guard prevClose > 0 else { return 0 }
        return Rounding.round((price - prevClose) / prevClose * 100, decimals: 2)
    }

    /// Whether a subscriber would see a difference: the publisher sends only these.
    public func differsForSubscribers(from other: Quote) -> Bool {
        price != other.price || prevClose != other.prevClose || volume != other.volume
            || turnover != other.turnover
    }

    /// Whether the store should take this quote over `other`: a change subscribers see,
    /// or the same figures quoted again later. The second keeps `quote_time` moving in
    /// Redis for a price that does not move, so it is not mistaken for a stale one.
    public func differsForStore(from other: Quote) -> Bool {
        differsForSubscribers(from: other) || quoteTime > other.quoteTime
    }
}

/// Decimal rounding for prices and derived values (half away from zero).
public enum Rounding {
    public static func round(_ value: Double, decimals: Int) -> Double {
        let scale = pow10(decimals)
        let scaled = value * scale
        // Nudge by a relative epsilon so 1.005 (stored as 1.00499999...) rounds up, as
        // a trader reading the decimal expects.
        let nudged = scaled + (scaled >= 0 ? 1 : -1) * Swift.max(abs(scaled), 1) * 1e-12
        return nudged.rounded(.toNearestOrAwayFromZero) / scale
    }

    public static func pow10(_ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<Swift.max(0, exponent) { result *= 10 }
        return result
    }
}
