import Buffers
import Testing

@testable import HTTP1

@Suite struct HTTPResponseTests {
    private func wire(
        _ response: HTTPResponse, version: HTTPVersion = .http1_1, keepAlive: Bool = true, includeBody: Bool = true
    ) -> String {
        var buffer = ByteBuffer()
        response.serialize(version: version, keepAlive: keepAlive, includeBody: includeBody, into: &buffer)
        return String(decoding: buffer.readableBytesArray, as: UTF8.self)
    }

    @Test func serializesStatusHeadersAndBody() {
        let response = HTTPResponse.text(.ok, "hi")
        #expect(wire(response) == "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 2\r\n\r\nhi")
    }

    @Test func closeAddsConnectionHeader() {
        #expect(
            wire(HTTPResponse(status: .notFound), keepAlive: false)
                == "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        let explicit = HTTPResponse(status: .ok, headers: ["Connection": "close"])
        #expect(wire(explicit, keepAlive: false) == "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
    }

    @Test func http10KeepAliveIsExplicit() {
        #expect(
            wire(HTTPResponse(status: .ok), version: .http1_0, keepAlive: true)
                == "HTTP/1.0 200 OK\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n")
        #expect(
            wire(HTTPResponse(status: .ok), version: .http1_0, keepAlive: false)
                == "HTTP/1.0 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    }

    @Test func headResponseKeepsLengthButOmitsBody() {
        #expect(
            wire(.json(.ok, "{}"), includeBody: false)
                == "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n")
    }

    @Test func handlerContentLengthIsReplaced() {
        let response = HTTPResponse(status: .ok, headers: ["content-length": "99"], body: [1, 2, 3])
        #expect(wire(response).hasPrefix("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n"))
    }

    @Test func switchingProtocolsAndNoContentCarryNoLength() {
        let upgrade = HTTPResponse(
            status: .switchingProtocols,
            headers: ["Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Accept": "abc="])
        #expect(
            wire(upgrade)
                == "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: abc=\r\n\r\n"
        )
        #expect(wire(HTTPResponse(status: .noContent, body: [1])) == "HTTP/1.1 204 No Content\r\n\r\n")
    }

    @Test func headerValuesCannotSplitTheResponse() {
        let response = HTTPResponse(status: .ok, headers: ["X-Echo": "a\r\nSet-Cookie: evil"])
        #expect(wire(response).hasPrefix("HTTP/1.1 200 OK\r\nX-Echo: a  Set-Cookie: evil\r\n"))
    }

    @Test func errorBodyIsEscapedJSON() {
        let response = HTTPResponse.error(.badRequest, code: "bad_request", message: "bad \"x\"\n\\")
        #expect(response.status == .badRequest)
        #expect(response.headers["Content-Type"] == "application/json")
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"error":"bad_request","message":"bad \"x\"\n\\"}"#)
    }

    @Test func errorFromParseError() {
        let response = HTTPResponse.error(HTTPParseError.bodyTooLarge(10))
        #expect(response.status.code == 413)
        #expect(
            String(decoding: response.body, as: UTF8.self)
                == #"{"error":"body_too_large","message":"Request body of 10 bytes is too large"}"#)
    }

    @Test func statusConstants() {
        let codes: [(HTTPStatus, Int)] = [
            (.switchingProtocols, 101), (.ok, 200), (.created, 201), (.noContent, 204), (.badRequest, 400),
            (.unauthorized, 401), (.forbidden, 403), (.notFound, 404), (.methodNotAllowed, 405),
            (.requestTimeout, 408), (.payloadTooLarge, 413), (.uriTooLong, 414), (.upgradeRequired, 426),
            (.tooManyRequests, 429), (.requestHeaderFieldsTooLarge, 431), (.internalServerError, 500),
            (.notImplemented, 501), (.serviceUnavailable, 503), (.httpVersionNotSupported, 505),
        ]
        for (status, code) in codes {
            #expect(status.code == code)
            #expect(!status.reasonPhrase.isEmpty)
        }
        #expect(HTTPStatus(code: 418, reasonPhrase: "I'm a teapot").description == "418 I'm a teapot")
    }
}
