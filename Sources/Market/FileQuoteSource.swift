import Time

/// Replays a recorded day from CSV at a chosen speed, for demos and back-testing
/// outside market hours. Columns (header required, any order):
/// `quote_time,code,price,prev_close,volume,turnover`; `quote_time` is ISO 8601 or
/// epoch seconds. Recorded times are shifted so the first row plays "now".
public final class FileQuoteSource: QuoteSource {
    public let name = "file"
    /// Recorded seconds that pass per real second.
    public let speed: Double
    /// Start over at the end instead of holding the last prices.
    public let loops: Bool
    private let rows: [Quote]
    private var cursor = 0
    private var latest: [String: Quote] = [:]
    private var startedAt: Int64?
    private var replayOffset: Int64 = 0

    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let line: Int
        public let reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    /// Parses the whole file up front, so a bad recording fails at start, not mid-demo.
    /// Malformed lines are reported through `skipped` and left out.
    public init(csv: String, speed: Double = 1, loops: Bool = true, skipped: (ParseError) -> Void = { _ in }) throws(ParseError) {
        precondition(speed > 0)
        self.speed = speed
        self.loops = loops
        var lines = csv.split(whereSeparator: \.isNewline).map(String.init)
        guard !lines.isEmpty else { throw ParseError(line: 1, reason: "empty file") }
        let header = lines.removeFirst().split(separator: ",").map { $0.trimmingSpaces().lowercased() }
        let required = ["quote_time", "code", "price", "prev_close", "volume", "turnover"]
        var column: [String: Int] = [:]
        for name in required {
            guard let index = header.firstIndex(of: name) else { throw ParseError(line: 1, reason: "missing column \(name)") }
            column[name] = index
        }
        var parsed: [Quote] = []
        for (offset, line) in lines.enumerated() where !line.trimmingSpaces().isEmpty {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingSpaces() }
            func field(_ name: String) -> String? {
                let index = column[name]!
                return index < fields.count ? fields[index] : nil
            }
            let lineNumber = offset + 2
            guard let timeText = field("quote_time"), let time = Self.parseTime(timeText),
                let code = field("code"), !code.isEmpty,
                let price = field("price").flatMap(Double.init), price > 0, price.isFinite,
                let prevClose = field("prev_close").flatMap(Double.init), prevClose >= 0,
                let volume = field("volume").flatMap({ Int64($0) }), volume >= 0,
                let turnover = field("turnover").flatMap(Double.init), turnover >= 0
            else {
                skipped(ParseError(line: lineNumber, reason: "malformed row: \(line)"))
                continue
            }
            parsed.append(
                Quote(code: code, price: price, prevClose: prevClose, volume: volume, turnover: turnover, quoteTime: time))
        }
        guard !parsed.isEmpty else { throw ParseError(line: 2, reason: "no usable rows") }
        rows = parsed.enumerated().sorted { ($0.element.quoteTime, $0.offset) < ($1.element.quoteTime, $1.offset) }.map(\.element)
    }

    static func parseTime(_ text: String) -> Int64? {
        if let seconds = Double(text), seconds.isFinite { return Int64(seconds * 1_000_000) }
        return Timestamp.parseISO8601(text)
    }

    public func quotes(for stocks: [Stock], now: Int64) throws(QuoteSourceError) -> [Quote] {
        let first = rows[0].quoteTime
        let span = rows[rows.count - 1].quoteTime - first
        if startedAt == nil { startedAt = now }
        var replayTime = first + replayOffset + Int64(Double(now - startedAt!) * speed)
        if replayTime - first > span && loops && cursor >= rows.count {
            // Start the recording over, keeping prices continuous until rows replace them.
            replayOffset -= span + 1
            replayTime -= span + 1
            cursor = 0
        }
        while cursor < rows.count && rows[cursor].quoteTime <= replayTime {
            var quote = rows[cursor]
            // The moment this row "happens" in real time, in this lap of the replay.
            quote.quoteTime = startedAt! + Int64(Double(quote.quoteTime - first - replayOffset) / speed)
            latest[quote.code] = quote
            cursor += 1
        }
        return stocks.compactMap { latest[$0.code] }
    }
}

@available(*, unavailable)
extension FileQuoteSource: Sendable {}

extension StringProtocol {
    func trimmingSpaces() -> String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" || first == "\r" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" || last == "\r" { slice.removeLast() }
        return String(slice)
    }
}
