import JSON

/// One tick as the leader announces it on `P:ticks`: its number, when it was pulled,
/// and the quotes that changed since the previous tick (what the leader last wrote).
/// Every instance fans out exactly these, so no instance reads `P:quotes:latest` per
/// tick. Binary framing around `QuoteCodec`'s JSON, byte by byte in docs/data-layer.md:
///
///     "SPT" 0x01 | tick u64 | at i64 | count u32 | count × (u16 n, code, u32 m, quote JSON)
///
/// All integers big-endian. The Lua script that writes the tick reads the same records
/// to `HSET` them into `latest`, so the quote bytes are encoded once, by the leader.
public struct TickMessage: Sendable, Equatable {
    /// `P:tick` after this tick: one more than before it.
    public var tick: Int64
    /// When the leader wrote the tick, microseconds since the Unix epoch: every quote
    /// in it carries this as its `ingestTime`.
    public var at: Int64
    /// The quotes that differ for subscribers from the previous tick's.
    public var quotes: [Quote]

    public init(tick: Int64, at: Int64, quotes: [Quote]) {
        self.tick = tick
        self.at = at
        self.quotes = quotes
    }

    /// "SPT" and the format version.
    public static let magic: [UInt8] = [0x53, 0x50, 0x54, 0x01]
    /// magic, tick, at, count.
    public static let headerSize = 24

    /// The longest code a record can frame (its length is a u16). Catalog codes have at
    /// most 12 characters; `TickBaseline` drops longer ones before they get here.
    public static let maxCodeLength = Int(UInt16.max)

    /// The message's bytes, as published.
    public func encoded() -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(Self.headerSize + quotes.count * 160)
        output.append(contentsOf: Self.magic)
        Self.append(UInt64(bitPattern: tick), byteCount: 8, to: &output)
        Self.append(UInt64(bitPattern: at), byteCount: 8, to: &output)
        Self.append(UInt64(quotes.count), byteCount: 4, to: &output)
        var writer = JSONWriter()
        for quote in quotes {
            precondition(quote.code.utf8.count <= Self.maxCodeLength, "stock code longer than a tick message can frame")
            Self.append(UInt64(quote.code.utf8.count), byteCount: 2, to: &output)
            output.append(contentsOf: quote.code.utf8)
            writer.reset()
            QuoteCodec.encode(quote, into: &writer)
            Self.append(UInt64(writer.buffer.readableBytes), byteCount: 4, to: &output)
            writer.buffer.withUnsafeReadableBytes { output.append(contentsOf: $0) }
        }
        return output
    }

    /// Reads a published message. Anything that is not exactly one well-formed
    /// message (wrong magic or version, truncated, trailing bytes, a record whose code
    /// and quote disagree, a quote `QuoteCodec` rejects) throws, naming the fault.
    public init(decoding bytes: [UInt8]) throws(TickMessageError) {
        let result: Result<TickMessage, TickMessageError> = bytes.withUnsafeBytes { raw in
            do throws(TickMessageError) { return .success(try Self.decode(raw)) } catch { return .failure(error) }
        }
        self = try result.get()
    }

    private static func decode(_ bytes: UnsafeRawBufferPointer) throws(TickMessageError) -> TickMessage {
        guard bytes.count >= headerSize else { throw .truncated(at: 0) }
        guard bytes.prefix(3).elementsEqual(magic.prefix(3)) else { throw .notATickMessage }
        guard bytes[3] == magic[3] else { throw .unsupportedVersion(bytes[3]) }
        let tick = Int64(bitPattern: integer(bytes, at: 4, byteCount: 8))
        let at = Int64(bitPattern: integer(bytes, at: 12, byteCount: 8))
        let count = Int(integer(bytes, at: 20, byteCount: 4))
        // Each record takes at least 6 bytes: an absurd count fails before any allocation.
        guard count <= (bytes.count - headerSize) / 6 else { throw .truncated(at: headerSize) }
        var quotes: [Quote] = []
        quotes.reserveCapacity(count)
        var offset = headerSize
        for index in 0..<count {
            let record = offset
            guard offset + 2 <= bytes.count else { throw .truncated(at: record) }
            let codeLength = Int(integer(bytes, at: offset, byteCount: 2))
            let codeStart = offset + 2
            guard codeStart + codeLength + 4 <= bytes.count else { throw .truncated(at: record) }
            let quoteLength = Int(integer(bytes, at: codeStart + codeLength, byteCount: 4))
            let quoteStart = codeStart + codeLength + 4
            guard quoteLength <= bytes.count - quoteStart else { throw .truncated(at: record) }
            let quote: Quote
            do {
                quote = try QuoteCodec.decode(UnsafeRawBufferPointer(rebasing: bytes[quoteStart..<quoteStart + quoteLength]))
            } catch {
                throw .badQuote(index: index, error)
            }
            guard quote.code.utf8.elementsEqual(bytes[codeStart..<codeStart + codeLength]) else {
                throw .codeMismatch(index: index, quote: quote.code)
            }
            quotes.append(quote)
            offset = quoteStart + quoteLength
        }
        guard offset == bytes.count else { throw .trailingBytes(at: offset) }
        return TickMessage(tick: tick, at: at, quotes: quotes)
    }

    private static func append(_ value: UInt64, byteCount: Int, to output: inout [UInt8]) {
        for shift in stride(from: (byteCount - 1) * 8, through: 0, by: -8) {
            output.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }

    private static func integer(_ bytes: UnsafeRawBufferPointer, at offset: Int, byteCount: Int) -> UInt64 {
        var value: UInt64 = 0
        for index in offset..<offset + byteCount { value = value << 8 | UInt64(bytes[index]) }
        return value
    }
}

/// Why bytes on the tick channel are not a tick message; the publisher logs it and
/// resynchronizes from `latest` instead.
public enum TickMessageError: Error, Equatable, Sendable {
    /// Does not start with "SPT".
    case notATickMessage
    /// A format this build does not read (a newer leader during a rolling upgrade).
    case unsupportedVersion(UInt8)
    /// Ends inside the header or inside the record starting at this byte offset.
    case truncated(at: Int)
    /// Bytes left over after the last record the header announced.
    case trailingBytes(at: Int)
    /// The record's quote is not a stored quote.
    case badQuote(index: Int, QuoteCodec.DecodeError)
    /// The record's code field and its quote's `code` differ.
    case codeMismatch(index: Int, quote: String)
}
