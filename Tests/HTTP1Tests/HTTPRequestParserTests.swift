import Buffers
import Testing

@testable import HTTP1

@Suite struct HTTPRequestParserTests {
    // MARK: Basics

    @Test func parsesSimpleGet() throws {
        let request = try parseOne("GET /api/stocks?symbol=AAPL HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n").get()
        #expect(request.method == .get)
        #expect(request.target == "/api/stocks?symbol=AAPL")
        #expect(request.path == "/api/stocks")
        #expect(request.query == "symbol=AAPL")
        #expect(request.version == .http1_1)
        #expect(request.headers["host"] == "example.com")
        #expect(request.headers.count == 2)
        #expect(request.body.isEmpty)
    }

    @Test func parsesContentLengthBody() throws {
        let request = try parseOne("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello").get()
        #expect(request.method == .post)
        #expect(request.bodyString == "hello")
    }

    @Test func unknownMethodTokenIsKept() throws {
        let request = try parseOne("PURGE /x HTTP/1.1\r\nHost: h\r\n\r\n").get()
        #expect(request.method == HTTPMethod(rawValue: "PURGE"))
    }

    @Test func pipelinedRequestsAreConsumedOneAtATime() throws {
        let first = "GET /a HTTP/1.1\r\nHost: h\r\n\r\n"
        let second = "POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nxyz"
        let third = "GET /c HTTP/1.1\r\nHost: h\r\n\r\n"
        var buffer = ByteBuffer(string: first + second + third)
        var parser = HTTPRequestParser()

        #expect(try parser.next(&buffer)?.path == "/a")
        #expect(buffer.readableBytes == second.utf8.count + third.utf8.count)
        let post = try parser.next(&buffer)
        #expect(post?.path == "/b")
        #expect(post?.body == Array("xyz".utf8))
        #expect(buffer.readableBytes == third.utf8.count)
        #expect(try parser.next(&buffer)?.path == "/c")
        #expect(buffer.readableBytes == 0)
        #expect(try parser.next(&buffer) == nil)
        #expect(!parser.hasPartialRequest)
    }

    @Test(arguments: [
        "GET / HTTP/1.1\r\nHost: h\r\n\r\n",
        "POST /p?q=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world",
        "GET /a HTTP/1.1\nHost: h\n\n",
        "\r\n\r\nGET /a HTTP/1.0\r\n\r\n",
        "GET /a HTTP/1.1\r\nHost: h\r\n\r\nPUT /b HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nokGET /c HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n",
        "GET /a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: h\r\nBad Name: x\r\n\r\n",
    ])
    func everySplitGivesTheSameOutcome(_ text: String) {
        let outcomes = outcomesForEverySplit(Array(text.utf8))
        for outcome in outcomes.dropFirst() {
            #expect(outcome == outcomes[0])
        }
    }

    @Test func everySplitNearTheLimitsGivesTheSameOutcome() {
        let limits = HTTPLimits(maxRequestLineBytes: 16, maxHeaderBytes: 20, maxHeaderCount: 2, maxBodyBytes: 4)
        for text in [
            "GET /0123456 HTTP/1.1\r\nHost: h\r\n\r\n",  // request line 22 > 16
            "GET / HTTP/1.1\r\nHost: h\r\nX-Long: 0123456789\r\n\r\n",  // headers > 20
            "GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\n\r\n",  // 3 fields > 2
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello",  // body 5 > 4
        ] {
            let outcomes = outcomesForEverySplit(Array(text.utf8), limits: limits)
            #expect(outcomes[0].error != nil)
            for outcome in outcomes.dropFirst() {
                #expect(outcome == outcomes[0])
            }
        }
    }

    @Test func byteByByteReportsPartialRequestUntilComplete() throws {
        let bytes = Array("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nhi".utf8)
        var parser = HTTPRequestParser()
        var buffer = ByteBuffer()
        for (index, byte) in bytes.enumerated() {
            buffer.writeByte(byte)
            let request = try parser.next(&buffer)
            if index < bytes.count - 1 {
                #expect(request == nil)
                #expect(parser.hasPartialRequest)
            } else {
                #expect(request?.bodyString == "hi")
                #expect(!parser.hasPartialRequest)
            }
        }
    }

    @Test func leadingEmptyLinesAreSkippedAndNotPartial() throws {
        var parser = HTTPRequestParser()
        var buffer = ByteBuffer(string: "\r\n\n\r\n")
        #expect(try parser.next(&buffer) == nil)
        #expect(!parser.hasPartialRequest)
        #expect(buffer.readableBytes == 0)
        buffer.writeString("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(try parser.next(&buffer)?.path == "/")
    }

    @Test func bareLFLineEndingsAreAccepted() throws {
        let request = try parseOne("GET /lf HTTP/1.1\nHost: h\nX-A:  b \n\n").get()
        #expect(request.path == "/lf")
        #expect(request.headers["X-A"] == "b")
    }

    @Test func parserKeepsRethrowingAfterAnError() {
        var parser = HTTPRequestParser()
        var buffer = ByteBuffer(string: "BAD\r\n\r\n")
        #expect(throws: HTTPParseError.self) { try parser.next(&buffer) }
        var fresh = ByteBuffer(string: "GET / HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(throws: HTTPParseError.badRequest("malformed request line")) { try parser.next(&fresh) }
    }

    // MARK: Limits, exactly at and one byte over

    @Test func requestLineAtLimitIsAccepted() {
        let line = "GET /" + String(repeating: "a", count: 11) + " HTTP/1.1"  // 25 bytes
        let limits = HTTPLimits(maxRequestLineBytes: line.utf8.count)
        #expect(parseOne(line + "\r\nHost: h\r\n\r\n", limits: limits).value?.path.count == 12)
        #expect(parseOne(line + "\nHost: h\n\n", limits: limits).value != nil)
    }

    @Test func requestLineOneOverIsRejected() {
        let line = "GET /" + String(repeating: "a", count: 12) + " HTTP/1.1"
        let limits = HTTPLimits(maxRequestLineBytes: line.utf8.count - 1)
        #expect(parseOne(line + "\r\nHost: h\r\n\r\n", limits: limits).error == .uriTooLong)
        #expect(parseOne(line + "\nHost: h\n\n", limits: limits).error == .uriTooLong)
    }

    @Test func requestLineOverLimitIsRejectedBeforeItsEnd() {
        let limits = HTTPLimits(maxRequestLineBytes: 20)
        let atLimit = feed("GET /" + String(repeating: "a", count: 15), limits: limits)
        #expect(atLimit.error == nil && atLimit.partial)
        let atLimitWithCR = feed("GET /" + String(repeating: "a", count: 15) + "\r", limits: limits)
        #expect(atLimitWithCR.error == nil && atLimitWithCR.partial)
        #expect(feed("GET /" + String(repeating: "a", count: 16), limits: limits).error == .uriTooLong)
    }

    /// Field lines "Host: h\r\n" (9) + "X: <filler>\r\n" sized so the section is `size` bytes.
    private func headerSection(size: Int) -> String {
        "Host: h\r\nX: " + String(repeating: "v", count: size - 9 - 5) + "\r\n"
    }

    @Test func headerSectionAtLimitIsAccepted() {
        let limits = HTTPLimits(maxHeaderBytes: 64)
        let request = parseOne("GET / HTTP/1.1\r\n" + headerSection(size: 64) + "\r\n", limits: limits)
        #expect(request.value?.headers["X"]?.count == 50)
    }

    @Test func headerSectionOneOverIsRejectedBeforeTheEmptyLine() {
        let limits = HTTPLimits(maxHeaderBytes: 63)
        #expect(parseOne("GET / HTTP/1.1\r\n" + headerSection(size: 64) + "\r\n", limits: limits).error == .headersTooLarge)
        #expect(feed("GET / HTTP/1.1\r\n" + headerSection(size: 64), limits: limits).error == .headersTooLarge)
    }

    private func request(fieldCount: Int) -> String {
        "GET / HTTP/1.1\r\nHost: h\r\n" + (1..<fieldCount).map { "X-\($0): v\r\n" }.joined()
    }

    @Test func headerCountAtLimitIsAccepted() {
        let limits = HTTPLimits(maxHeaderCount: 5)
        #expect(parseOne(request(fieldCount: 5) + "\r\n", limits: limits).value?.headers.count == 5)
    }

    @Test func headerCountOneOverIsRejectedBeforeTheEmptyLine() {
        let limits = HTTPLimits(maxHeaderCount: 5)
        #expect(parseOne(request(fieldCount: 6) + "\r\n", limits: limits).error == .tooManyHeaders)
        #expect(feed(request(fieldCount: 6), limits: limits).error == .tooManyHeaders)
    }

    @Test func bodyAtLimitIsAccepted() {
        let limits = HTTPLimits(maxBodyBytes: 8)
        let request = parseOne("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 8\r\n\r\n12345678", limits: limits)
        #expect(request.value?.body.count == 8)
    }

    @Test func bodyOneOverIsRejectedBeforeTheBodyArrives() {
        let limits = HTTPLimits(maxBodyBytes: 8)
        #expect(feed("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 9\r\n\r\n", limits: limits).error == .bodyTooLarge(9))
    }

    @Test func hugeContentLengthSaturates() {
        let huge = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999\r\n\r\n"
        #expect(feed(huge).error == .bodyTooLarge(Int.max))
    }

    @Test func bodyWaitsForAllBytes() throws {
        var parser = HTTPRequestParser()
        var buffer = ByteBuffer(string: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nab")
        #expect(try parser.next(&buffer) == nil)
        #expect(parser.hasPartialRequest)
        buffer.writeString("cdGET")
        #expect(try parser.next(&buffer)?.bodyString == "abcd")
        #expect(buffer.readableBytesArray == Array("GET".utf8))
    }

    // MARK: Errors

    @Test(arguments: [
        ("GET / HTTP/2.0\r\n\r\n", HTTPParseError.versionNotSupported("HTTP/2.0")),
        ("GET / HTTP/0.9\r\n\r\n", .versionNotSupported("HTTP/0.9")),
        ("GET / HTTX/1.1\r\nHost: h\r\n\r\n", .badRequest("malformed HTTP version")),
        ("GET / http/1.1\r\nHost: h\r\n\r\n", .badRequest("malformed HTTP version")),
        ("GET / HTTP/1.10\r\nHost: h\r\n\r\n", .badRequest("malformed HTTP version")),
        ("GET / HTTP/1.1 \r\nHost: h\r\n\r\n", .badRequest("malformed HTTP version")),
        ("GET /  HTTP/1.1\r\nHost: h\r\n\r\n", .badRequest("malformed HTTP version")),
        ("GET\r\n\r\n", .badRequest("malformed request line")),
        ("G(T / HTTP/1.1\r\nHost: h\r\n\r\n", .badRequest("invalid method")),
        (" GET / HTTP/1.1\r\nHost: h\r\n\r\n", .badRequest("invalid method")),
        ("GET abc HTTP/1.1\r\nHost: h\r\n\r\n", .badRequest("request target must be origin-form or absolute-form")),
        ("CONNECT h:443 HTTP/1.1\r\nHost: h\r\n\r\n", .badRequest("request target must be origin-form or absolute-form")),
        ("GET * HTTP/1.1\r\nHost: h\r\n\r\n", .badRequest("asterisk target is only valid for OPTIONS")),
        ("GET /a#frag HTTP/1.1\r\nHost: h\r\n\r\n", .badRequest("invalid character in request target")),
        ("GET /a%zz HTTP/1.1\r\nHost: h\r\n\r\n", .badRequest("invalid percent-encoding in path")),
        ("GET /a%4 HTTP/1.1\r\nHost: h\r\n\r\n", .badRequest("invalid percent-encoding in path")),
        ("GET /a%FF HTTP/1.1\r\nHost: h\r\n\r\n", .badRequest("invalid percent-encoding in path")),
        ("GET /a%00 HTTP/1.1\r\nHost: h\r\n\r\n", .badRequest("control character in path")),
        ("GET / HTTP/1.1\r\n\r\n", .badRequest("missing Host header")),
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", .badRequest("multiple Host headers")),
        ("GET / HTTP/1.1\r\nHost : h\r\n\r\n", .badRequest("whitespace between header field name and colon")),
        ("GET / HTTP/1.1\r\nHost: h\r\nX-A: b\r\n  folded\r\n\r\n", .badRequest("obsolete line folding in header section")),
        ("GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n", .badRequest("header field without colon")),
        ("GET / HTTP/1.1\r\nHost: h\r\n: v\r\n\r\n", .badRequest("empty header field name")),
        ("GET / HTTP/1.1\r\nHost: h\r\nX(A): v\r\n\r\n", .badRequest("invalid header field name")),
        ("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\u{1}b\r\n\r\n", .badRequest("control character in header field value")),
        ("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\rb\r\n\r\n", .badRequest("control character in header field value")),
        ("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\u{7F}\r\n\r\n", .badRequest("control character in header field value")),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n", .unsupportedTransferEncoding("chunked")),
        (
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nabc",
            .badRequest("both Content-Length and Transfer-Encoding")
        ),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: abc\r\n\r\n", .badRequest("invalid Content-Length")),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", .badRequest("invalid Content-Length")),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +5\r\n\r\n", .badRequest("invalid Content-Length")),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length:\r\n\r\n", .badRequest("invalid Content-Length")),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1 2\r\n\r\n", .badRequest("invalid Content-Length")),
        (
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
            .badRequest("conflicting Content-Length values")
        ),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 4\r\n\r\nabcd", .badRequest("conflicting Content-Length values")),
    ])
    func rejectsMalformedRequests(_ text: String, _ expected: HTTPParseError) {
        #expect(feed(text).error == expected)
    }

    @Test func identicalContentLengthsAreAccepted() {
        #expect(
            parseOne("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc").value?.bodyString == "abc"
        )
        #expect(parseOne("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 3\r\n\r\nabc").value?.bodyString == "abc")
    }

    @Test func errorStatusesAndMessages() {
        let cases: [(HTTPParseError, Int)] = [
            (.badRequest("x"), 400), (.uriTooLong, 414), (.headersTooLarge, 431), (.tooManyHeaders, 431),
            (.bodyTooLarge(5), 413), (.unsupportedTransferEncoding("gzip"), 501), (.versionNotSupported("HTTP/2.0"), 505),
        ]
        for (error, code) in cases {
            #expect(error.status.code == code)
            #expect(!error.message.isEmpty)
        }
        #expect(HTTPParseError.badRequest("missing Host header").message.contains("missing Host header"))
        #expect(HTTPParseError.bodyTooLarge(5).message.contains("5"))
    }

    // MARK: Versions, targets, decoding

    @Test func http1xAbove1IsTreatedAsHTTP11() throws {
        #expect(try parseOne("GET / HTTP/1.2\r\nHost: h\r\n\r\n").get().version == .http1_1)
        #expect(parseOne("GET / HTTP/1.9\r\n\r\n").error == .badRequest("missing Host header"))
    }

    @Test func http10DoesNotNeedHost() throws {
        #expect(try parseOne("GET / HTTP/1.0\r\n\r\n").get().version == .http1_0)
    }

    @Test func absoluteFormTarget() throws {
        let request = try parseOne("GET http://example.com:8080/a%20b?x=1 HTTP/1.1\r\nHost: example.com\r\n\r\n").get()
        #expect(request.target == "http://example.com:8080/a%20b?x=1")
        #expect(request.path == "/a b")
        #expect(request.query == "x=1")
        #expect(try parseOne("GET HTTPS://example.com HTTP/1.1\r\nHost: h\r\n\r\n").get().path == "/")
        #expect(try parseOne("GET http://example.com?q HTTP/1.1\r\nHost: h\r\n\r\n").get().query == "q")
        #expect(parseOne("GET ftp://example.com/ HTTP/1.1\r\nHost: h\r\n\r\n").error != nil)
    }

    @Test func asteriskTargetForOptions() throws {
        let request = try parseOne("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n").get()
        #expect(request.path == "*")
        #expect(request.query == nil)
    }

    @Test func pathIsPercentDecoded() throws {
        let request = try parseOne("GET /a%20b/%E2%82%AC/c+d HTTP/1.1\r\nHost: h\r\n\r\n").get()
        #expect(request.path == "/a b/€/c+d")
        #expect(request.query == nil)
        #expect(try parseOne("GET /x? HTTP/1.1\r\nHost: h\r\n\r\n").get().query == "")
    }

    @Test func queryItemsAreDecodedInOrder() throws {
        let request = try parseOne("GET /s?a=1&b=x+y&a=%C3%A9&flag&&=v&bad=%zz&eq=a=b HTTP/1.1\r\nHost: h\r\n\r\n").get()
        let items = request.queryItems.map { "\($0.name)=\($0.value)" }
        #expect(items == ["a=1", "b=x y", "a=é", "flag=", "=v", "bad=%zz", "eq=a=b"])
        #expect(request.queryItem("a") == "1")
        #expect(request.queryItem("missing") == nil)
    }

    @Test func headerValuesAreTrimmedAndDecodedAsLatin1() throws {
        var buffer = ByteBuffer(string: "GET / HTTP/1.1\r\nHost: h\r\nX-Name: \t caf")
        buffer.writeBytes([0xE9, 0x20, 0x09])
        buffer.writeString("\r\nX-Empty:\r\nX-Tab: a\tb\r\n\r\n")
        var parser = HTTPRequestParser()
        let request = try #require(try parser.next(&buffer))
        #expect(request.headers["x-name"] == "café")
        #expect(request.headers["X-Empty"] == "")
        #expect(request.headers["X-Tab"] == "a\tb")
    }

    // MARK: Keep-alive

    @Test(arguments: [
        ("HTTP/1.1", "", true),
        ("HTTP/1.1", "Connection: close\r\n", false),
        ("HTTP/1.1", "Connection: Upgrade, Close\r\n", false),
        ("HTTP/1.1", "Connection: keep-alive\r\n", true),
        ("HTTP/1.0", "", false),
        ("HTTP/1.0", "Connection: keep-alive\r\n", true),
        ("HTTP/1.0", "Connection: Keep-Alive\r\n", true),
        ("HTTP/1.0", "Connection: close\r\n", false),
    ])
    func keepAliveRules(_ version: String, _ connection: String, _ expected: Bool) throws {
        let request = try parseOne("GET / \(version)\r\nHost: h\r\n\(connection)\r\n").get()
        #expect(request.keepAlive == expected)
    }
}
