import Time

/// What the hot path needs from one `price_update`, read in place from the payload.
public struct PriceFrame: Equatable, Sendable {
    public var seq: UInt64
    /// The `timestamp` field (publish time), microseconds since the epoch.
    public var timestampMicros: Int64
    public var snapshot: Bool
    /// The first quote's `quote_time` and `ingest_time` (the earlier links of the
    /// latency chain), when the frame has them.
    public var quoteMicros: Int64?
    public var ingestMicros: Int64?

    public init(seq: UInt64, timestampMicros: Int64, snapshot: Bool, quoteMicros: Int64? = nil, ingestMicros: Int64? = nil) {
        self.seq = seq
        self.timestampMicros = timestampMicros
        self.snapshot = snapshot
        self.quoteMicros = quoteMicros
        self.ingestMicros = ingestMicros
    }
}

/// Finds `seq`, `snapshot` and `timestamp` in a text frame's payload without decoding
/// it: the server writes `{"type":"price_update","seq":N,"snapshot":B,"count":C,
/// "timestamp":"…"` first, so a short forward scan over the receive buffer suffices.
public enum PriceFrameScanner {
    public enum Result: Equatable, Sendable {
        case priceUpdate(PriceFrame)
        /// Another message type (connected, subscribed, error, …).
        case other
        /// Says it is a price_update but `seq` or `timestamp` could not be read.
        case malformed
    }

    @usableFromInline static let typePrefix: StaticString = #"{"type":"price_update""#
    @usableFromInline static let subscribedPrefix: StaticString = #"{"type":"subscribed""#
    @usableFromInline static let seqKey: StaticString = #""seq":"#
    @usableFromInline static let snapshotKey: StaticString = #""snapshot":"#
    @usableFromInline static let timestampKey: StaticString = #""timestamp":""#
    @usableFromInline static let quoteTimeKey: StaticString = #""quote_time":""#
    /// The encoder writes `ingest_time` right after `quote_time`'s 27-byte value.
    @usableFromInline static let ingestTimeKey: StaticString = #"","ingest_time":""#

    /// Whether a text payload is a `subscribed` reply (the server writes `type` first).
    public static func isSubscribed(_ payload: UnsafeRawBufferPointer) -> Bool {
        matches(subscribedPrefix, in: payload, at: 0)
    }

    public static func scan(_ payload: UnsafeRawBufferPointer) -> Result {
        guard matches(typePrefix, in: payload, at: 0) else { return .other }
        var position = typePrefix.utf8CodeUnitCount
        guard let seqAt = find(seqKey, in: payload, from: position) else { return .malformed }
        position = seqAt + seqKey.utf8CodeUnitCount
        var seq: UInt64 = 0
        var digits = 0
        while position < payload.count, digits < 20 {
            let digit = payload[position] &- 48
            guard digit <= 9 else { break }
            seq = seq &* 10 &+ UInt64(digit)
            digits += 1
            position += 1
        }
        guard digits > 0 else { return .malformed }
        var snapshot = false
        if matches(snapshotKey, in: payload, at: position + 1) {
            let value = position + 1 + snapshotKey.utf8CodeUnitCount
            snapshot = value < payload.count && payload[value] == UInt8(ascii: "t")
            // The server's order: `timestamp` follows, so its search starts past `snapshot`.
            position = value
        } else if let at = find(snapshotKey, in: payload, from: position) {
            let value = at + snapshotKey.utf8CodeUnitCount
            snapshot = value < payload.count && payload[value] == UInt8(ascii: "t")
        }
        guard let timestampAt = find(timestampKey, in: payload, from: position) else { return .malformed }
        let start = timestampAt + timestampKey.utf8CodeUnitCount
        guard start + 27 <= payload.count,
            let micros = Timestamp.parseISO8601(bytes: UnsafeRawBufferPointer(rebasing: payload[start..<(start + 27)]))
        else { return .malformed }
        var frame = PriceFrame(seq: seq, timestampMicros: micros, snapshot: snapshot)
        // The first quote's stamps, a couple of hundred bytes on: the receive side of the chain.
        if let quoteAt = find(quoteTimeKey, in: payload, from: start + 27) {
            let value = quoteAt + quoteTimeKey.utf8CodeUnitCount
            frame.quoteMicros = stamp(payload, at: value)
            if matches(ingestTimeKey, in: payload, at: value + 27) {
                frame.ingestMicros = stamp(payload, at: value + 27 + ingestTimeKey.utf8CodeUnitCount)
            }
        }
        return .priceUpdate(frame)
    }

    /// The 27-byte `YYYY-MM-DDTHH:MM:SS.ffffffZ` at `offset`, or nil.
    static func stamp(_ payload: UnsafeRawBufferPointer, at offset: Int) -> Int64? {
        guard offset + 27 <= payload.count else { return nil }
        return Timestamp.parseISO8601(bytes: UnsafeRawBufferPointer(rebasing: payload[offset..<(offset + 27)]))
    }

    @inline(__always)
    static func matches(_ needle: StaticString, in haystack: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        let count = needle.utf8CodeUnitCount
        guard offset >= 0, offset + count <= haystack.count else { return false }
        let bytes = needle.utf8Start
        for index in 0..<count where haystack[offset + index] != bytes[index] { return false }
        return true
    }

    /// First occurrence of `needle` at or after `start`. The keys sit within the first
    /// hundred bytes, so a plain first-byte scan beats anything cleverer here.
    @inline(__always)
    static func find(_ needle: StaticString, in haystack: UnsafeRawBufferPointer, from start: Int) -> Int? {
        let first = needle.utf8Start[0]
        let last = haystack.count - needle.utf8CodeUnitCount
        var index = start
        while index <= last {
            if haystack[index] == first && matches(needle, in: haystack, at: index) { return index }
            index += 1
        }
        return nil
    }
}
