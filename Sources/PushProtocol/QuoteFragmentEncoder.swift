import Buffers
import JSON
import Market

/// Serializes one quote in the `price_update` `data` element format.
///
/// Every price field (price, prev_close, change) carries the stock's tick precision
/// (`1850.50` for two decimals, `-0.004` for an ETF quoted in thousandths) so a client never
/// sees binary noise such as `1850.4999999` nor a change rounded away; `change_percent` is
/// rounded to 2 decimals; `turnover` is written shortest-round-trip. The optional
/// fields appear only when they say something: `ingest_time` once the leader stamped
/// it, `limit_up`/`limit_down` where the market has daily limits, `at_limit` while the
/// price sits at one, `stale` while the quote is stale.
public enum QuoteFragmentEncoder {
    /// `writer` is reset and reused: after the first tick its buffer no longer grows, so
    /// the only allocation is the fragment's own storage.
    /// `prefix`: the stock's catalog members encoded beforehand (the publisher keeps one
    /// per stock); without it they are written here.
    public static func encode(
        _ quote: Quote, stock: Stock, prefix: QuoteFragmentPrefix? = nil, stale: Bool = false, writer: inout JSONWriter
    ) -> QuoteFragment {
        writer.reset()
        // `fixed` accepts 0...18 decimals; a catalog typo must not crash the publisher.
        let precision = min(max(stock.tickPrecision, 0), 18)
        writer.beginObject()
        if let prefix {
            prefix.bytes.withUnsafeBytes { writer.raw($0) }
        } else {
            QuoteFragmentPrefix.write(code: quote.code, stock: stock, into: &writer)
        }
        writer.key("price")
        writer.fixed(quote.price, decimals: precision)
        writer.key("prev_close")
        writer.fixed(quote.prevClose, decimals: precision)
        writer.key("change")
        writer.fixed(quote.change(decimals: precision), decimals: precision)
        writer.key("change_percent")
        writer.fixed(quote.changePercent, decimals: 2)
        writer.key("volume")
        writer.int(Int(quote.volume))
        writer.key("turnover")
        writer.double(quote.turnover)
        writer.key("quote_time")
        writer.timestamp(microseconds: quote.quoteTime)
        if quote.ingestTime != 0 {
            writer.key("ingest_time")
            writer.timestamp(microseconds: quote.ingestTime)
        }
        if let band = PriceLimits(prevClose: quote.prevClose, percent: stock.priceLimitPercent, decimals: precision) {
            writer.key("limit_up")
            writer.fixed(band.up, decimals: precision)
            writer.key("limit_down")
            writer.fixed(band.down, decimals: precision)
            if let position = band.position(of: quote.price, decimals: precision) {
                writer.key("at_limit")
                writer.string(position.rawValue)
            }
        }
        if stale {
            writer.key("stale")
            writer.bool(true)
        }
        writer.endObject()
        return QuoteFragment(code: quote.code, json: SharedBytes(writer.buffer))
    }
}
