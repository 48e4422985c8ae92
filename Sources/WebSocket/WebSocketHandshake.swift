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
        guard request.hasToken("websocket", in: "Upgrade") else {
            return .reject(status: 400, reason: "Missing or invalid Upgrade header (expected websocket)", headers: nil)
        }
        guard request.hasToken("upgrade", in: "Connection") else {
            return .reject(status: 400, reason: "Missing or invalid Connection header (expected Upgrade)", headers: nil)
        }
        let versions = request.values(of: "Sec-WebSocket-Version")
        guard versions.count == 1, HandshakeRequest.trimmed(versions[0][...]) == supportedVersion[...] else {
            return .reject(
                status: 426, reason: "Unsupported WebSocket version (expected 13)",
                headers: ["Sec-WebSocket-Version": supportedVersion])
        }
        let keys = request.values(of: "Sec-WebSocket-Key")
        guard keys.count == 1 else {
            return .reject(
                status: 400,
                reason: keys.isEmpty
                    ? "Missing Sec-WebSocket-Key header"
                    : "Duplicate Sec-WebSocket-Key header", headers: nil)
        }
        let key = String(HandshakeRequest.trimmed(keys[0][...]))
        guard let nonce = Base64.decode(key), nonce.count == 16 else {
            return .reject(status: 400, reason: "Sec-WebSocket-Key must be base64 of 16 bytes", headers: nil)
        }
        return .accept(acceptValue: acceptValue(forKey: key))
    }

    /// base64(sha1(key + GUID)), the proof that the server understood the handshake.
    public static func acceptValue(forKey key: String) -> String {
        Base64.encode(SHA1.hash((key + magicGUID).utf8))
    }

    /// The complete 101 response head, ending with the blank line.
    public static func switchingProtocolsResponse(acceptValue: String, extraHeaders: [(String, String)] = []) -> [UInt8] {
        var head: [UInt8] = []
        head.reserveCapacity(160)
        head.append(contentsOf: "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n".utf8)
        head.append(contentsOf: "Sec-WebSocket-Accept: ".utf8)
        head.append(contentsOf: acceptValue.utf8)
        head.append(contentsOf: "\r\n".utf8)
        for (name, value) in extraHeaders {
            head.append(contentsOf: name.utf8)
            head.append(contentsOf: ": ".utf8)
            head.append(contentsOf: value.utf8)
            head.append(contentsOf: "\r\n".utf8)
        }
        head.append(contentsOf: "\r\n".utf8)
        return head
    }
}
