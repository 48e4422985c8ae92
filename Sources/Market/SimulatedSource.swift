import Glibc
import Retry

/// A seeded random walk that looks like a trading day: prices move in whole ticks,
/// stay inside daily limits where the market has them, often stay unchanged between
/// pulls, and volumes grow in whole lots with bursts. Deterministic for a seed.
public final class SimulatedSource: QuoteSource {
    public let name = "simulated"

    private struct State {
        var price: Double
        var prevClose: Double
        var volume: Int64
        var turnover: Double
        var tradingDay: Int64
    }

    /// Per-pull volatility of the log price (0.15 % by default).
    public let volatility: Double
    /// Chance that a stock does not trade at all between two pulls.
    public let idleProbability: Double
    private var random: SplitMix64
    private var states: [String: State] = [:]

    public init(seed: UInt64 = 20_261_122, volatility: Double = 0.0015, idleProbability: Double = 0.3) {
        random = SplitMix64(seed: seed)
        self.volatility = volatility
        self.idleProbability = idleProbability
    }

    public func quotes(for stocks: [Stock], now: Int64) throws(QuoteSourceError) -> [Quote] {
        stocks.map { quote(for: $0, now: now) }
    }

    private func quote(for stock: Stock, now: Int64) -> Quote {
        let day = TradingDay.index(of: now, market: stock.market)
        var state =
            states[stock.code]
            ?? State(
                price: snap(stock.referencePrice, stock), prevClose: snap(stock.referencePrice, stock),
                volume: 0, turnover: 0, tradingDay: day)
        if day != state.tradingDay {
            // A new session: yesterday's last price becomes the previous close.
            state.prevClose = state.price
            state.volume = 0
            state.turnover = 0
            state.tradingDay = day
        }
        if uniform() >= idleProbability {
            let drift = volatility * gaussian()
            var price = snap(state.price * (1 + drift), stock)
            if price == state.price && uniform() < 0.5 {
                // Small moves round back to the same tick; nudge one tick sometimes.
                price = snap(state.price + (drift >= 0 ? stock.tickSize : -stock.tickSize), stock)
            }
            price = clampToLimits(price, prevClose: state.prevClose, stock: stock)
            let lots = Int64(max(1, (exp(1.2 * gaussian()) * lotsPerTrade(price)).rounded()))
            let traded = lots * Int64(stock.lotSize)
            state.price = price
            state.volume += traded
            state.turnover += Double(traded) * price
        }
        states[stock.code] = state
        return Quote(
            code: stock.code, price: state.price, prevClose: state.prevClose, volume: state.volume,
            turnover: Rounding.round(state.turnover, decimals: 2), quoteTime: now)
    }

    /// Cheap shares trade in more lots than expensive ones.
    private func lotsPerTrade(_ price: Double) -> Double {
        max(1, 2_000 / max(price, 1).squareRoot())
    }

    private func snap(_ price: Double, _ stock: Stock) -> Double {
        max(stock.tickSize, Rounding.round(price, decimals: stock.tickPrecision))
    }

    private func clampToLimits(_ price: Double, prevClose: Double, stock: Stock) -> Double {
        guard let band = PriceLimits(prevClose: prevClose, percent: stock.priceLimitPercent, decimals: stock.tickPrecision)
        else { return price }
        return band.clamp(price)
    }

    private func uniform() -> Double {
        Double(random.next() >> 11) / Double(1 << 53)
    }

    /// Standard normal by Box–Muller.
    private func gaussian() -> Double {
        let u1 = max(uniform(), 1e-12)
        let u2 = uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}

@available(*, unavailable)
extension SimulatedSource: Sendable {}
