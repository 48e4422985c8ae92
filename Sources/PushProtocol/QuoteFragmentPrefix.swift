import JSON
import Market

/// The members of a quote fragment that only the catalog decides —
/// `"code":"…","name":"…","market":"…"` — encoded once per stock and catalog rather
/// than once per quote per tick: three escaped strings and their keys were a third of
/// a fragment's encoding.
public struct QuoteFragmentPrefix: Sendable, Equatable {
    public let bytes: [UInt8]

    public init(code: String, stock: Stock) {
        var writer = JSONWriter()
        writer.beginObject()
        Self.write(code: code, stock: stock, into: &writer)
        // Without the `{`: the fragment's encoder opens the object itself.
        bytes = Array(writer.buffer.readableBytesArray.dropFirst())
    }

    /// The members themselves, into an object `writer` has open.
    static func write(code: String, stock: Stock, into writer: inout JSONWriter) {
        writer.key("code")
        writer.string(code)
        writer.key("name")
        writer.string(stock.name)
        writer.key("market")
        writer.string(stock.market)
    }
}
