import Buffers
import JSON
import Market
import PushProtocol

/// Helpers shared by the suites.
enum Support {
    /// 2026-11-21T10:29:59.000000Z in microseconds since the epoch.
    static let quoteTime: Int64 = 1_795_256_999_000_000
    /// 2026-11-21T10:30:00.123456Z in microseconds since the epoch.
    static let tickTime: Int64 = 1_795_257_000_123_456

    static func json(_ bytes: [UInt8]) -> JSONValue? {
        try? JSONParser.parse(bytes)
    }

    static func json(_ text: String) -> JSONValue? {
        try? JSONParser.parse(text)
    }

    static func text(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    static func parse(_ text: String) -> Result<ParsedRequest, ProtocolError> {
        RequestParser.parse(Array(text.utf8))
    }

    /// The error of a request expected to fail; nil if it parsed.
    static func error(_ text: String) -> ProtocolError? {
        if case .failure(let error) = parse(text) { return error }
        return nil
    }

    /// The request of a message expected to parse; nil if it failed.
    static func request(_ text: String) -> ParsedRequest? {
        try? parse(text).get()
    }

    static let moutai = Stock(code: "600519", name: "贵州茅台", market: "SH", tickPrecision: 2, referencePrice: 1800)
    static let moutaiQuote = Quote(
        code: "600519", price: 1850.5, prevClose: 1805.4, volume: 12_345_678, turnover: 22_845_000_000,
        quoteTime: quoteTime)

    /// The contract's example `data` element, as the parser reads it.
    static let moutaiJSON: JSONValue = .object([
        (key: "code", value: .string("600519")), (key: "name", value: .string("贵州茅台")),
        (key: "market", value: .string("SH")), (key: "price", value: .number(1850.5)),
        (key: "prev_close", value: .number(1805.4)), (key: "change", value: .number(45.1)),
        (key: "change_percent", value: .number(2.5)), (key: "volume", value: .number(12_345_678)),
        (key: "turnover", value: .number(22_845_000_000)),
        (key: "quote_time", value: .string("2026-11-21T10:29:59.000000Z")),
    ])
}
