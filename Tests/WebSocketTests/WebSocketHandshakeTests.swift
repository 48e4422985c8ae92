import Testing

@testable import WebSocket

@Suite struct WebSocketHandshakeTests {
    static let key = "dGhlIHNhbXBsZSBub25jZQ=="

    static func request(
        method: String = "GET", major: Int = 1, minor: Int = 1,
        replacing name: String? = nil, with value: String? = nil, extra: [(name: String, value: String)] = []
    ) -> HandshakeRequest {
        var headers: [(name: String, value: String)] = [
            ("Host", "server.example.com"), ("Upgrade", "websocket"), ("Connection", "Upgrade"),
            ("Sec-WebSocket-Key", key), ("Sec-WebSocket-Version", "13"),
        ]
        if let name {
            headers.removeAll { $0.name == name }
            if let value { headers.append((name, value)) }
        }
        return HandshakeRequest(method: method, versionMajor: major, versionMinor: minor, headers: headers + extra)
    }

    static func status(_ outcome: HandshakeOutcome) -> Int? {
        if case .reject(let status, _, _) = outcome { return status }
        return nil
    }

    @Test func rfcSampleKey() {
        #expect(WebSocketHandshake.acceptValue(forKey: Self.key) == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        #expect(WebSocketHandshake.evaluate(Self.request()) == .accept(acceptValue: "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="))
    }

    @Test func toleratesCaseListsAndWhitespace() {
        let request = HandshakeRequest(
            method: "GET", versionMajor: 1, versionMinor: 1,
            headers: [
                ("upgrade", "h2c, WebSocket"), ("CONNECTION", "keep-alive,  upgrade "),
                ("sec-websocket-key", " \(Self.key)\t"), ("Sec-Websocket-Version", " 13"),
            ])
        #expect(WebSocketHandshake.evaluate(request) == .accept(acceptValue: "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="))
        let commas = Self.request(replacing: "Upgrade", with: ",,\tWEBSOCKET ,")
        #expect(Self.status(WebSocketHandshake.evaluate(commas)) == nil)
        let split = Self.request(replacing: "Connection", with: "keep-alive", extra: [("Connection", "Upgrade")])
        #expect(Self.status(WebSocketHandshake.evaluate(split)) == nil)
        #expect(Self.status(WebSocketHandshake.evaluate(Self.request(major: 2, minor: 0))) == nil)
    }

    @Test func rejectsNonGet() {
        #expect(
            WebSocketHandshake.evaluate(Self.request(method: "POST"))
                == .reject(status: 405, reason: "WebSocket upgrade requires GET", headers: ["Allow": "GET"]))
        #expect(Self.status(WebSocketHandshake.evaluate(Self.request(method: "get"))) == 405)
    }

    @Test func rejectsHTTP10() {
        #expect(Self.status(WebSocketHandshake.evaluate(Self.request(major: 1, minor: 0))) == 400)
        #expect(Self.status(WebSocketHandshake.evaluate(Self.request(major: 0, minor: 9))) == 400)
    }

    @Test(arguments: [nil, "", "h2c", "websockets", "web socket", "websocke", "Websocket2", "web\tsocket", ",,"] as [String?])
    func rejectsBadUpgrade(value: String?) {
        let outcome = WebSocketHandshake.evaluate(Self.request(replacing: "Upgrade", with: value))
        #expect(outcome == .reject(status: 400, reason: "Missing or invalid Upgrade header (expected websocket)", headers: nil))
    }

    @Test(arguments: [nil, "", "keep-alive", "upgrades", "close"] as [String?])
    func rejectsBadConnection(value: String?) {
        let outcome = WebSocketHandshake.evaluate(Self.request(replacing: "Connection", with: value))
        #expect(outcome == .reject(status: 400, reason: "Missing or invalid Connection header (expected Upgrade)", headers: nil))
    }

    @Test(arguments: [nil, "8", "12", "13, 8", "", "013"] as [String?])
    func rejectsUnsupportedVersionWith426(value: String?) {
        let outcome = WebSocketHandshake.evaluate(Self.request(replacing: "Sec-WebSocket-Version", with: value))
        #expect(
            outcome
                == .reject(
                    status: 426, reason: "Unsupported WebSocket version (expected 13)",
                    headers: ["Sec-WebSocket-Version": "13"]))
    }

    @Test func rejectsDuplicateVersion() {
        let outcome = WebSocketHandshake.evaluate(Self.request(extra: [("Sec-WebSocket-Version", "8")]))
        #expect(Self.status(outcome) == 426)
    }

    @Test func rejectsMissingOrDuplicateKey() {
        #expect(
            WebSocketHandshake.evaluate(Self.request(replacing: "Sec-WebSocket-Key", with: nil))
                == .reject(status: 400, reason: "Missing Sec-WebSocket-Key header", headers: nil))
        #expect(
            WebSocketHandshake.evaluate(Self.request(extra: [("Sec-WebSocket-Key", Self.key)]))
                == .reject(status: 400, reason: "Duplicate Sec-WebSocket-Key header", headers: nil))
    }

    @Test(arguments: [
        "", "not base64!", "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25j",  // 15 bytes
        "dGhlIHNhbXBsZSBub25jZSE=",  // 17 bytes
        "dGhlIHNhbXBsZSBub25jZR==",  // non-canonical padding bits
    ])
    func rejectsBadKey(key: String) {
        let outcome = WebSocketHandshake.evaluate(Self.request(replacing: "Sec-WebSocket-Key", with: key))
        #expect(outcome == .reject(status: 400, reason: "Sec-WebSocket-Key must be base64 of 16 bytes", headers: nil))
    }

    @Test func switchingProtocolsResponse() {
        let response = WebSocketHandshake.switchingProtocolsResponse(acceptValue: "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        #expect(
            String(decoding: response, as: UTF8.self)
                == "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n")
        let extra = WebSocketHandshake.switchingProtocolsResponse(acceptValue: "x", extraHeaders: [("Server", "StockPush")])
        #expect(String(decoding: extra, as: UTF8.self).hasSuffix("Sec-WebSocket-Accept: x\r\nServer: StockPush\r\n\r\n"))
    }
}
