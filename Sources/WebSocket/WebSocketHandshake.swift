import Buffers

/// The server side of the RFC 6455 section 4.2 opening handshake.
public enum WebSocketHandshake {
    /// RFC 6455 section 1.3: appended to the key before hashing.
    public static let magicGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
    /// The only protocol version we speak.
    public static let supportedVersion = "13"

    /// Checks an upgrade request in the order a client can best act on:
    /// method, HTTP version, `Upgrade`, `Connection`, `Sec-WebSocket-Version` (426 so the
    /// client can retry with 13), then `Sec-WebSocket-Key`.
    public static func evaluate(_ request: HandshakeRequest) -> HandshakeOutcome {
        guard request.method == "GET" else {
            return .reject(status: 405, reason: "WebSocket upgrade requires GET", headers: ["Allow": "GET"])
        }
        guard request.versionMajor > 1 || (request.versionMajor == 1 && request.versionMinor >= 1) else {
            return .reject(status: 400, reason: "WebSocket upgrade requires HTTP/1.1 or later", headers: nil)
        }
        let fields = request.fields()
        guard fields.upgradeToWebSocket else {
            return .reject(status: 400, reason: "Missing or invalid Upgrade header (expected websocket)", headers: nil)
        }
        guard fields.connectionUpgrade else {
            return .reject(status: 400, reason: "Missing or invalid Connection header (expected Upgrade)", headers: nil)
        }
        guard fields.versionCount == 1, let version = fields.version,
            HandshakeRequest.trimmed(version[...]) == supportedVersion[...]
        else {
            return .reject(
                status: 426, reason: "Unsupported WebSocket version (expected 13)",
                headers: ["Sec-WebSocket-Version": supportedVersion])
        }
        guard fields.keyCount == 1, let value = fields.key else {
            return .reject(
                status: 400,
                reason: fields.keyCount == 0
                    ? "Missing Sec-WebSocket-Key header"
                    : "Duplicate Sec-WebSocket-Key header", headers: nil)
        }
        let key = String(HandshakeRequest.trimmed(value[...]))
        guard Base64.decodedCount(key) == 16 else {
            return .reject(status: 400, reason: "Sec-WebSocket-Key must be base64 of 16 bytes", headers: nil)
        }
        return .accept(acceptValue: acceptValue(forKey: key))
    }

    /// base64(sha1(key + GUID)), the proof that the server understood the handshake.
    /// Concatenated, hashed and encoded in stack buffers: only the result allocates.
    public static func acceptValue(forKey key: String) -> String {
        var key = key
        return key.withUTF8 { keyBytes in
            withUnsafeTemporaryAllocation(byteCount: keyBytes.count + magicGUIDBytes.count, alignment: 1) { message in
                UnsafeMutableRawBufferPointer(rebasing: message[..<keyBytes.count]).copyMemory(
                    from: UnsafeRawBufferPointer(keyBytes))
                magicGUIDBytes.withUnsafeBytes {
                    UnsafeMutableRawBufferPointer(rebasing: message[keyBytes.count...]).copyMemory(from: $0)
                }
                return withUnsafeTemporaryAllocation(byteCount: SHA1.digestCount, alignment: 4) { digest in
                    SHA1.digest(UnsafeRawBufferPointer(message), into: digest)
                    return Base64.encode(UnsafeRawBufferPointer(digest))
                }
            }
        }
    }

    private static let magicGUIDBytes = Array(magicGUID.utf8)

    /// The complete 101 response head, ending with the blank line, ready to queue.
    public static func switchingProtocols(acceptValue: String, extraHeaders: [(String, String)] = []) -> SharedBytes {
        let fixed = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
        var count = fixed.utf8.count + acceptValue.utf8.count + 4
        for (name, value) in extraHeaders { count += name.utf8.count + 2 + value.utf8.count + 2 }
        return SharedBytes(count: count) { output in
            var written = 0
            func put(_ text: String) {
                var text = text
                text.withUTF8 { bytes in
                    UnsafeMutableRawBufferPointer(rebasing: output[written..<(written + bytes.count)]).copyMemory(
                        from: UnsafeRawBufferPointer(bytes))
                    written += bytes.count
                }
            }
            put(fixed)
            put(acceptValue)
            put("\r\n")
            for (name, value) in extraHeaders {
                put(name)
                put(": ")
                put(value)
                put("\r\n")
            }
            put("\r\n")
        }
    }

    /// The same head as an array (tests, tools).
    public static func switchingProtocolsResponse(acceptValue: String, extraHeaders: [(String, String)] = []) -> [UInt8] {
        switchingProtocols(acceptValue: acceptValue, extraHeaders: extraHeaders).array
    }
}
