/// Which markets the scheduler pulls when market hours are enforced (a paid quote
/// provider bills by request): a market while it is open, then one closing pull once it
/// stops (its closing prices), then nothing until it opens again. A market is pulled once
/// when first seen, so the board has its last prices after a restart at night; markets
/// without a calendar are always pulled.
public struct TradingGate: Sendable {
    /// Markets owed a pull although they are not open (first seen, or just closed).
    private var owed: [String: Bool] = [:]

    public init() {}

    /// The stocks of `stocks` to pull at `micros` (market time); records the pulls it admits.
    public mutating func admit(_ stocks: [Stock], clock: MarketClock, at micros: Int64) -> [Stock] {
        var verdicts: [String: Bool] = [:]
        for market in Set(stocks.map(\.market)) {
            guard let state = clock.state(of: market, at: micros) else {
                verdicts[market] = true
                continue
            }
            if state.status == .open {
                verdicts[market] = true
                owed[market] = true
            } else {
                verdicts[market] = owed[market] ?? true
                owed[market] = false
            }
        }
        return stocks.filter { verdicts[$0.market] == true }
    }
}

/// Market hours the scheduler enforces: where the calendars are, and how far the market
/// clock is from the wall clock (0 but in tests, `--market-time`).
public struct MarketHours {
    public var clock: () -> MarketClock
    public var offsetMicros: Int64

    public init(clock: @escaping () -> MarketClock, offsetMicros: Int64 = 0) {
        self.clock = clock
        self.offsetMicros = offsetMicros
    }
}
