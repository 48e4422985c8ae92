import Buffers
import Time
import WebSocket

extension ServerMessage {
    /// `connected` as a finished text frame, the same bytes `connected(...)` frames.
    ///
    /// It goes out once per connection, on the handshake path whose cost workload E
    /// measures, so the usual case (a client id of plain ASCII, as the server makes them)
    /// is written on the stack and framed with one allocation instead of the generic
    /// writer's three (JSON buffer, array, frame): ~4.7K → ~1K instructions.
    /// The resume token, when there is one, goes into the same scratch: 50 bytes more and
    /// no allocation.
    public static func connectedFrame(
        clientID: String, heartbeatInterval: Int, timestamp: Int64, resumeToken: ResumeToken? = nil
    ) -> SharedBytes {
        var id = clientID
        return id.withUTF8 { idBytes -> SharedBytes in
            guard idBytes.count <= maximumPlainIDLength, heartbeatInterval >= 0, idBytes.allSatisfy(isPlain) else {
                return FrameEncoder.sharedFrame(
                    opcode: .text,
                    payload: connected(
                        clientID: clientID, heartbeatInterval: heartbeatInterval, timestamp: timestamp,
                        resumeToken: resumeToken))
            }
            return withUnsafeTemporaryAllocation(byteCount: 320, alignment: 1) { scratch -> SharedBytes in
                var offset = 0
                func append(_ bytes: UnsafeRawBufferPointer) {
                    UnsafeMutableRawBufferPointer(rebasing: scratch[offset..<(offset + bytes.count)]).copyMemory(
                        from: bytes)
                    offset += bytes.count
                }
                func append(_ text: StaticString) {
                    text.withUTF8Buffer { append(UnsafeRawBufferPointer($0)) }
                }
                append(#"{"type":"connected","client_id":""#)
                append(UnsafeRawBufferPointer(idBytes))
                append(#"","message":"connected","heartbeat_interval":"#)
                let interval = UInt64(heartbeatInterval)
                let digits = DecimalDigits.count(interval)
                DecimalDigits.write(interval, digits: digits, into: scratch, at: offset)
                offset += digits
                append(#","timestamp":""#)
                Timestamp.write(
                    microsecondsSinceEpoch: timestamp,
                    into: UnsafeMutableRawBufferPointer(rebasing: scratch[offset..<(offset + Timestamp.length)]))
                offset += Timestamp.length
                if let resumeToken {
                    append(#"","resume_token":""#)
                    resumeToken.write(
                        into: UnsafeMutableRawBufferPointer(rebasing: scratch[offset..<(offset + ResumeToken.length)]))
                    offset += ResumeToken.length
                }
                append(#""}"#)
                return FrameEncoder.sharedFrame(opcode: .text, payload: UnsafeRawBufferPointer(rebasing: scratch[..<offset]))
            }
        }
    }

    /// Longest id the stack path takes (`c_`, a 48-character instance id, `_` and 16 hex
    /// digits fit): with the fixed text, 19 digits, a timestamp and a resume token it stays
    /// inside the 320-byte scratch (94 + 80 + 19 + 27 + 50 = 270).
    static let maximumPlainIDLength = 80

    /// Bytes a JSON string holds as they are (printable ASCII but the quote and backslash).
    static func isPlain(_ byte: UInt8) -> Bool {
        byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\")
    }
}
