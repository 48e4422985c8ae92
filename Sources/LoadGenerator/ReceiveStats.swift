/// One thread's receive counters for the measured window (reset at the warm-up boundary).
public struct ReceiveStats: Sendable, Equatable {
    /// Data frames (text, binary, continuation) received.
    public var frames: UInt64 = 0
    public var payloadBytes: UInt64 = 0
    /// Bytes read from the sockets (frame headers, handshakes and control frames included).
    public var wireBytes: UInt64 = 0
    public var priceUpdates: UInt64 = 0
    public var snapshots: UInt64 = 0
    /// price_update frames whose `seq` was not the previous one + 1.
    public var seqGaps: UInt64 = 0
    /// Updates missing in those gaps (sum of `seq - last - 1` when positive).
    public var seqMissing: UInt64 = 0
    public var malformed: UInt64 = 0
    public var otherMessages: UInt64 = 0
    public var pings: UInt64 = 0
    /// `subscribed` replies (what a churn run checks each connect got).
    public var subscribedAcks: UInt64 = 0
    /// Publish-to-receipt latency of every price_update, microseconds.
    public var latency = LatencyHistogram()
    /// The earlier links, from the first quote of each update that has them: its
    /// `quote_time` (source) and `ingest_time` (Redis) to receipt, microseconds.
    public var sinceQuote = LatencyHistogram()
    public var sinceIngest = LatencyHistogram()

    public init() {}

    public mutating func merge(_ other: ReceiveStats) {
        frames += other.frames
        payloadBytes += other.payloadBytes
        wireBytes += other.wireBytes
        priceUpdates += other.priceUpdates
        snapshots += other.snapshots
        seqGaps += other.seqGaps
        seqMissing += other.seqMissing
        malformed += other.malformed
        otherMessages += other.otherMessages
        pings += other.pings
        subscribedAcks += other.subscribedAcks
        latency.merge(other.latency)
        sinceQuote.merge(other.sinceQuote)
        sinceIngest.merge(other.sinceIngest)
    }

    /// Counts one text message as the scanner read it: a price update's `seq` against
    /// the connection's previous one, and its publish-to-receipt latency.
    @inline(__always)
    mutating func record(_ scanned: PriceFrameScanner.Result, receivedAt: Int64, lastSeq: inout UInt64) {
        switch scanned {
        case .priceUpdate(let frame):
            priceUpdates &+= 1
            if frame.snapshot { snapshots &+= 1 }
            if frame.seq != lastSeq &+ 1 {
                seqGaps &+= 1
                if frame.seq > lastSeq &+ 1 { seqMissing &+= frame.seq - lastSeq - 1 }
            }
            lastSeq = frame.seq
            latency.record(Self.elapsed(from: frame.timestampMicros, to: receivedAt))
            if let quoted = frame.quoteMicros { sinceQuote.record(Self.elapsed(from: quoted, to: receivedAt)) }
            if let ingested = frame.ingestMicros { sinceIngest.record(Self.elapsed(from: ingested, to: receivedAt)) }
        case .other:
            otherMessages &+= 1
        case .malformed:
            malformed &+= 1
        }
    }

    /// Microseconds from `start` to `end`; 0 when clocks disagree the other way.
    @inline(__always)
    static func elapsed(from start: Int64, to end: Int64) -> UInt64 { end > start ? UInt64(end - start) : 0 }
}
