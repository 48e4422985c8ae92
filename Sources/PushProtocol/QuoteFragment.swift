import Buffers

/// One stock's quote as a finished JSON object, serialized once per tick and spliced
/// verbatim into every `price_update` body that carries the stock.
public struct QuoteFragment: Sendable {
    public let code: String
    /// `{"code":…,…,"quote_time":…}`: one complete JSON object.
    public let json: SharedBytes

    public init(code: String, json: SharedBytes) {
        self.code = code
        self.json = json
    }
}
