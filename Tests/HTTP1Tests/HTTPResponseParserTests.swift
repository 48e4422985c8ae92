import Testing

@testable import HTTP1

@Suite struct HTTPResponseParserTests {
    func parse(_ text: String, end: Bool = false) throws -> HTTPClientResponse? {
        try HTTPResponseParser.parse(Array(text.utf8), isEndOfStream: end)
    }

    @Test func contentLengthBodyCompletesExactly() throws {
        let full = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}"
        let bytes = Array(full.utf8)
        for cut in 0..<bytes.count {
            #expect(try HTTPResponseParser.parse(Array(bytes[0..<cut]), isEndOfStream: false) == nil)
        }
        let response = try #require(try parse(full))
        #expect(response.status == 200 && response.reason == "OK")
        #expect(response.headers["content-type"] == "application/json")
        #expect(response.body == Array("{\"a\":1}".utf8))
    }

    @Test func chunkedBodiesAreDecoded() throws {
        let text = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5;x=y\r\npedia\r\n0\r\n\r\n"
        let bytes = Array(text.utf8)
        #expect(try HTTPResponseParser.parse(Array(bytes.dropLast(2)), isEndOfStream: false) == nil)
        #expect(try parse(text)?.body == Array("Wikipedia".utf8))
    }

    @Test func closeDelimitedBodiesNeedTheEndOfStream() throws {
        let text = "HTTP/1.0 200 OK\r\n\r\nall of it"
        #expect(try parse(text) == nil)
        #expect(try parse(text, end: true)?.body == Array("all of it".utf8))
    }

    @Test func errorsAreTyped() {
        #expect(throws: HTTPResponseParser.Error.truncated) {
            try parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", end: true)
        }
        #expect(throws: HTTPResponseParser.Error.self) { try parse("SMTP 220 hello\r\n\r\n") }
        #expect(throws: HTTPResponseParser.Error.self) { try parse("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n") }
        #expect(throws: HTTPResponseParser.Error.tooLarge(8)) {
            try HTTPResponseParser.parse(Array("HTTP/1.1 200 OK\r\n\r\n".utf8), isEndOfStream: false, maxBytes: 8)
        }
    }

    @Test func noContentHasNoBody() throws {
        #expect(try parse("HTTP/1.1 204 No Content\r\n\r\n")?.body == [])
    }
}
