import JSON
import Time

/// Pulls quotes from an HTTP endpoint that returns JSON. The document holds an array
/// of quote objects, at the top level or under a dotted `path` ("data.quotes"); each
/// object's fields are found through `FieldMapping`. Numbers may arrive as JSON
/// numbers or numeric strings; `quote_time` as ISO 8601, epoch seconds or epoch
/// milliseconds. Entries that cannot be read are skipped and reported, the rest used.
public final class HTTPQuoteSource: QuoteSource {
    public let name = "http"

    /// Where each quote field lives in the source's objects.
    public struct FieldMapping: Sendable, Equatable {
        public var code = "code"
        public var price = "price"
        public var prevClose = "prev_close"
        public var volume = "volume"
        public var turnover = "turnover"
        public var quoteTime = "quote_time"

        public init() {}

        /// Parses `code=symbol,price=last,...`; unknown names are a usage error.
        public init(spec: String) throws(QuoteSourceError) {
            for pair in spec.split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).trimmingSpaces() }
                guard parts.count == 2, !parts[1].isEmpty else { throw .malformed("field mapping '\(pair)' is not name=field") }
                switch parts[0] {
                case "code": code = parts[1]
                case "price": price = parts[1]
                case "prev_close": prevClose = parts[1]
                case "volume": volume = parts[1]
                case "turnover": turnover = parts[1]
                case "quote_time": quoteTime = parts[1]
                default: throw .malformed("unknown quote field '\(parts[0])' in field mapping")
                }
            }
        }
    }

    private let fetch: () throws(QuoteSourceError) -> [UInt8]
    private let path: [String]
    private let mapping: FieldMapping
    private let skipped: (String) -> Void

    /// `fetch` performs the request (the glue's blocking HTTP client, with its timeout).
    public init(
        path: String = "", mapping: FieldMapping = FieldMapping(),
        fetch: @escaping () throws(QuoteSourceError) -> [UInt8], skipped: @escaping (String) -> Void
    ) {
        self.path = path.split(separator: ".").map(String.init)
        self.mapping = mapping
        self.fetch = fetch
        self.skipped = skipped
    }

    public func quotes(for stocks: [Stock], now: Int64) throws(QuoteSourceError) -> [Quote] {
        let body = try fetch()
        return try parse(body, stocks: stocks, now: now)
    }

    /// The pure part: document → quotes for the requested stocks.
    public func parse(_ body: [UInt8], stocks: [Stock], now: Int64) throws(QuoteSourceError) -> [Quote] {
        var document: JSONValue
        do {
            document = try JSONParser.parse(body)
        } catch {
            throw .malformed("not JSON: \(error)")
        }
        for component in path {
            guard let next = document[component] else { throw .malformed("no '\(component)' in the document") }
            document = next
        }
        guard let entries = document.arrayValue else { throw .malformed("expected an array of quotes") }
        let wanted = Set(stocks.map(\.code))
        var quotes: [Quote] = []
        var seen = Set<String>()
        for (index, entry) in entries.enumerated() {
            guard let quote = read(entry, now: now) else {
                skipped("entry \(index) skipped: \(String(entry.description.prefix(120)))")
                continue
            }
            if wanted.contains(quote.code) && seen.insert(quote.code).inserted { quotes.append(quote) }
        }
        return quotes
    }

    private func read(_ entry: JSONValue, now: Int64) -> Quote? {
        guard let code = entry[mapping.code].flatMap(text), !code.isEmpty,
            let price = entry[mapping.price].flatMap(number), price > 0,
            let prevClose = entry[mapping.prevClose].flatMap(number), prevClose >= 0
        else { return nil }
        let volume = entry[mapping.volume].flatMap(number) ?? 0
        let turnover = entry[mapping.turnover].flatMap(number) ?? 0
        guard volume >= 0, turnover >= 0, volume < 9e18 else { return nil }
        var time = now
        if let raw = entry[mapping.quoteTime], !raw.isNull {
            guard let parsed = timestamp(raw) else { return nil }
            time = parsed
        }
        return Quote(code: code, price: price, prevClose: prevClose, volume: Int64(volume), turnover: turnover, quoteTime: time)
    }

    private func text(_ value: JSONValue) -> String? {
        if let string = value.stringValue { return string }
        if let int = value.intValue { return String(int) }
        return nil
    }

    private func number(_ value: JSONValue) -> Double? {
        if let double = value.doubleValue, double.isFinite { return double }
        if let string = value.stringValue, let double = Double(string.trimmingSpaces()), double.isFinite { return double }
        return nil
    }

    private func timestamp(_ value: JSONValue) -> Int64? {
        if let seconds = value.doubleValue {
            // Epoch milliseconds are 13 digits today; seconds 10.
            return seconds > 1e11 ? Int64(seconds * 1000) : Int64(seconds * 1_000_000)
        }
        return value.stringValue.flatMap(Timestamp.parseISO8601)
    }
}

@available(*, unavailable)
extension HTTPQuoteSource: Sendable {}
