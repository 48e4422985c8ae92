/// A stock's daily price band: the highest and lowest price it may trade at today, from
/// the previous close. Mainland exchanges compute `prev_close × (1 ± limit)` and round
/// half up to the price step, which can put a band a hair beyond the percentage.
public struct PriceLimits: Sendable, Equatable {
    public var up: Double
    public var down: Double

    /// Where a price sits against its band.
    public enum Position: String, Sendable {
        case up
        case down
    }

    public init(up: Double, down: Double) {
        self.up = up
        self.down = down
    }

    /// The band of a stock with `percent` limits (nil: it moves freely) over `prevClose`
    /// at `decimals` price precision; nil as well without a previous close.
    public init?(prevClose: Double, percent: Double?, decimals: Int) {
        guard let percent, prevClose > 0 else { return nil }
        up = Rounding.round(prevClose * (1 + percent / 100), decimals: decimals)
        down = Rounding.round(prevClose * (1 - percent / 100), decimals: decimals)
    }

    /// `.up` or `.down` when `price` sits at (or, as a bad feed may say, beyond) a limit,
    /// compared at half a price step so binary noise does not hide a limit.
    public func position(of price: Double, decimals: Int) -> Position? {
        let halfStep = 0.5 / Rounding.pow10(decimals)
        if price >= up - halfStep { return .up }
        if price <= down + halfStep { return .down }
        return nil
    }

    /// `price` moved inside the band.
    public func clamp(_ price: Double) -> Double { min(max(price, down), up) }
}

/// Which daily limit applies to a mainland stock, resolved once when the catalog loads.
public enum PriceLimitRule {
    /// The stock's own limit when the catalog sets one; else none where its market has
    /// none (Hong Kong, the US); else 20 % for ChiNext (300xxx, 301xxx) and STAR
    /// (688xxx, 689xxx) shares, 5 % for risk-warned names (ST, *ST) on the main boards,
    /// and the market's limit (10 %) for the rest.
    public static func percent(code: String, name: String, own: Double?, market: Double?) -> Double? {
        if let own { return own }
        guard let market else { return nil }
        if ["300", "301", "688", "689"].contains(where: code.hasPrefix) { return 20 }
        if isRiskWarned(name) { return 5 }
        return market
    }

    /// "ST", "*ST", "S*ST", "SST" prefixes, as exchanges mark names under risk warning
    /// ("ST康美"), but not a word that starts with the letters ("Sterling").
    static func isRiskWarned(_ name: String) -> Bool {
        var rest = Substring(name.trimmingSpaces())
        if rest.hasPrefix("S*") || rest.hasPrefix("SST") { rest = rest.dropFirst() }
        if rest.hasPrefix("*") { rest = rest.dropFirst() }
        guard rest.hasPrefix("ST") else { return false }
        guard let next = rest.dropFirst(2).first else { return true }
        return !(next.isASCII && next.isLetter)
    }
}
