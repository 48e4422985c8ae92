import Buffers
import Time
import WebSocket

@testable import LoadGenerator

/// Server-shaped messages, byte for byte as the server's head + body encoders write them.
enum Fixtures {
    static let timestamp = "2026-11-21T10:30:00.123456Z"
    static var timestampMicros: Int64 { Timestamp.parseISO8601(timestamp)! }

    static let quoteTime = "2026-11-21T10:29:59.000000Z"
    static var quoteMicros: Int64 { Timestamp.parseISO8601(quoteTime)! }

    static func priceUpdate(
        seq: UInt64, snapshot: Bool = false, quotes: Int = 1, timestamp: String = timestamp, ingest: String? = nil
    ) -> String {
        let stamps = #""quote_time":"\#(quoteTime)""# + (ingest.map { #","ingest_time":"\#($0)""# } ?? "")
        let quote =
            #"{"code":"600519","name":"贵州茅台","market":"SH","price":1850.5,"prev_close":1805.4,"change":45.1,"change_percent":2.5,"volume":12345678,"turnover":22845000000.0,\#(stamps),"limit_up":1985.94,"limit_down":1624.86}"#
        let data = Array(repeating: quote, count: quotes).joined(separator: ",")
        return
            #"{"type":"price_update","seq":\#(seq),"snapshot":\#(snapshot),"count":\#(quotes),"timestamp":"\#(timestamp)","data":[\#(data)]}"#
    }

    static let connected =
        #"{"type":"connected","client_id":"c_5f3a9e01","message":"connected","heartbeat_interval":30,"timestamp":"2026-11-21T10:30:00.123456Z"}"#

    /// An unmasked server frame.
    static func frame(_ opcode: Opcode, _ payload: [UInt8]) -> [UInt8] {
        var buffer = ByteBuffer()
        FrameEncoder.encode(opcode: opcode, payload: payload, into: &buffer)
        return buffer.readableBytesArray
    }

    static func text(_ message: String) -> [UInt8] { frame(.text, Array(message.utf8)) }

    static func switchingProtocols(forKey key: String) -> [UInt8] {
        WebSocketHandshake.switchingProtocolsResponse(acceptValue: WebSocketHandshake.acceptValue(forKey: key))
    }
}
