import Buffers
import JSON
import Time

/// How a quote is stored in Redis: compact JSON with the contract's field names, so
/// `redis-cli HGET stockpush:quotes:latest 600519` is readable by an operator. The tick
/// message (`TickMessage`) carries the same bytes, so the leader encodes a quote once
/// for both.
public enum QuoteCodec {
    public static func encode(_ quote: Quote, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("code")
        writer.string(quote.code)
        writer.key("price")
        writer.double(quote.price)
        writer.key("prev_close")
        writer.double(quote.prevClose)
        writer.key("volume")
        writer.int(Int(quote.volume))
        writer.key("turnover")
        writer.double(quote.turnover)
        writer.key("quote_time")
        writer.string(Timestamp.iso8601(microsecondsSinceEpoch: quote.quoteTime))
        if quote.ingestTime != 0 {
            writer.key("ingest_time")
            writer.string(Timestamp.iso8601(microsecondsSinceEpoch: quote.ingestTime))
        }
        writer.endObject()
    }

    public static func encode(_ quote: Quote) -> [UInt8] {
        var writer = JSONWriter()
        encode(quote, into: &writer)
        return writer.buffer.readableBytesArray
    }

    public enum DecodeError: Error, Equatable, Sendable {
        case notJSON(String)
        case missingField(String)
        /// Present but unusable, such as a volume beyond Int64.
        case invalidField(String)
    }

    public static func decode(_ bytes: [UInt8]) throws(DecodeError) -> Quote {
        let result: Result<Quote, DecodeError> = bytes.withUnsafeBytes { raw in
            do throws(DecodeError) { return .success(try decode(raw)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Decodes a quote in place (a record inside a tick message) without copying it out.
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(DecodeError) -> Quote {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw .notJSON("\(error)")
        }
        guard let code = value["code"]?.stringValue else { throw .missingField("code") }
        guard let price = value["price"]?.doubleValue else { throw .missingField("price") }
        guard let prevClose = value["prev_close"]?.doubleValue else { throw .missingField("prev_close") }
        guard let volumeValue = value["volume"]?.doubleValue else { throw .missingField("volume") }
        guard let volume = Int64(exactly: volumeValue.rounded()) else { throw .invalidField("volume") }
        guard let turnover = value["turnover"]?.doubleValue else { throw .missingField("turnover") }
        guard let time = value["quote_time"]?.stringValue.flatMap(Timestamp.parseISO8601) else {
            throw .missingField("quote_time")
        }
        // Optional: quotes stored before ingest stamps existed have none.
        var ingest: Int64 = 0
        if let text = value["ingest_time"]?.stringValue {
            guard let parsed = Timestamp.parseISO8601(text) else { throw .invalidField("ingest_time") }
            ingest = parsed
        }
        return Quote(
            code: code, price: price, prevClose: prevClose, volume: volume, turnover: turnover, quoteTime: time,
            ingestTime: ingest)
    }
}
