import Market
import Reactor
import Server
import Synchronization
import Telemetry

/// `serve --bench S:Q --tick-ms M`: a synthetic catalog of S strategies `T0`…`T{S-1}`
/// with Q stocks each, and a feed in which every quote changes every tick, published
/// in-process (no Redis in the path) through the same fan-out as production (the
/// changed quotes of a tick, as a tick message carries them). With `--bench-redis` the
/// same quotes go through Redis instead (see `BenchQuoteSource`).
public final class BenchFeed: Sendable {
    public struct Shape: Sendable, Equatable {
        public let strategies: Int
        public let stocksPerStrategy: Int

        /// Parses `S:Q`, e.g. `10:20`.
        public init?(_ text: String) {
            let parts = text.split(separator: ":")
            guard parts.count == 2, let s = Int(parts[0]), let q = Int(parts[1]), (1...100_000).contains(s),
                (1...10_000).contains(q)
            else { return nil }
            strategies = s
            stocksPerStrategy = q
        }
    }

    private let worker = WorkerThread()

    public init() {}

    /// The synthetic catalog: stocks `S<k>` in market `BENCH`, strategy `T<i>` holding
    /// stocks i·Q … i·Q+Q−1.
    public static func catalog(_ shape: Shape) -> Catalog {
        var stocks: [Stock] = []
        var strategies: [String: [String]] = [:]
        for strategy in 0..<shape.strategies {
            var members: [String] = []
            for index in 0..<shape.stocksPerStrategy {
                let code = "S\(strategy * shape.stocksPerStrategy + index)"
                stocks.append(
                    Stock(
                        code: code, name: "Bench \(code)", market: "BENCH", tickPrecision: 2, lotSize: 100,
                        referencePrice: 100))
                members.append(code)
            }
            strategies["T\(strategy)"] = members
        }
        let market = MarketInfo(code: "BENCH", name: "Benchmark", timezone: "UTC", currency: "USD")
        return Catalog(markets: [market], stocks: stocks, strategies: strategies, version: 1)
    }

    public func start(shape: Shape, tickMilliseconds: Double, shared: PushShared, loops: [EventLoopHandle], logger: Logger) throws
    {
        let catalog = Self.catalog(shape)
        try worker.start(name: "bench-feed") { [self] in
            let fanOut = TickFanOut(shared: shared, loops: loops)
            fanOut.catalogChanged(catalog)
            let stocks = catalog.activeStocks
            let source = BenchQuoteSource()
            let interval = UInt64(tickMilliseconds * 1_000_000)
            var next = MonotonicClock.now()
            var tick: Int64 = 0
            logger.info(
                "bench feed: \(shape.strategies) strategies × \(shape.stocksPerStrategy) stocks, a tick every \(tickMilliseconds) ms, every quote changing"
            )
            while !worker.isStopping {
                tick += 1
                // The changed quotes, as a tick message hands them to production's publisher.
                fanOut.publish(source.quotes(for: stocks, now: WallClock.nowMicroseconds()), tick: tick)
                next &+= interval
                let current = MonotonicClock.now()
                if next > current {
                    worker.sleep(Double(next - current) / 1e9)  // wakes early on stop
                } else if current - next > interval * 10 {
                    next = current  // fell far behind: do not burst to catch up
                }
            }
        }

    }

    public func stop() {
        worker.stop()
    }
}

/// Every stock's quote changes on every pull: the price alternates one cent up and
/// down, volume and turnover grow. Used in-process by `BenchFeed` and, with
/// `--bench-redis`, by the production scheduler, so every subscriber gets every stock
/// of its strategy in every tick.
public final class BenchQuoteSource: QuoteSource {
    public let name = "bench"
    private var pulls: Int64 = 0

    public init() {}

    public func quotes(for stocks: [Stock], now: Int64) -> [Quote] {
        pulls += 1
        let price = pulls % 2 == 0 ? 100.00 : 100.01
        return stocks.map { stock in
            Quote(
                code: stock.code, price: price, prevClose: 100, volume: pulls * 100, turnover: Double(pulls) * 10_000,
                quoteTime: now)
        }
    }
}
