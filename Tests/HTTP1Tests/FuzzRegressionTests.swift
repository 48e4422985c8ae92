import Testing

@testable import HTTP1

/// Edge cases from the FuzzHTTPParser run of 2026-11-22 (Fuzz/README.md). The first eight tests
/// use inputs taken from the fuzzer's corpus (only the 2 option bytes stripped); the last four are
/// hand-written around the head scanner's terminator and limit handling that the corpus exercises.
/// The run found no crash. Each input is checked for its specific outcome, and for giving that
/// same outcome whether the stream arrives whole or one byte at a time.
@Suite struct FuzzRegressionTests {
    /// The outcome of `bytes`, after checking that byte-by-byte feeding agrees with it.
    static func outcome(_ bytes: [UInt8], limits: HTTPLimits = HTTPLimits()) -> ParseOutcome {
        let whole = feed([bytes], limits: limits)
        let byteByByte = feed(bytes.map { [$0] }, limits: limits)
        #expect(whole == byteByByte)
        return whole
    }

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func absoluteFormWithoutPathPipelined() {
        // Absolute-form targets with an empty path (one with a trailing '@' in the authority).
        let result = Self.outcome(
            Self.bytes(
                "GET http://y HTTP/1.1\r\nHost: !.example\r\n\r\nGET http://y@ HTTP/1.1\r\nHost: !.emple\r\n\r\n"))
        #expect(result.error == nil)
        #expect(result.requests.map(\.target) == ["http://y", "http://y@"])
        #expect(result.requests.map(\.path) == ["/", "/"])
        #expect(result.requests.map(\.query) == [nil, nil])
    }

    @Test func contentLengthListWithGarbageMemberIs400() {
        // Checked before the missing Host, and not mistaken for an overflowing number.
        let result = Self.outcome(
            Self.bytes("POST / HTTP/1.1\r\n") + Self.bytes("Content-Length: 99,999999LLLLL%")
                + [0xFF, 0x0A, 0x0D, 0x0A])
        #expect(result.requests.isEmpty)
        #expect(result.error == .badRequest("invalid Content-Length"))
        #expect(result.error?.status == .badRequest)
    }

    @Test func overflowingContentLengthIs413() {
        let result = Self.outcome(
            Self.bytes(
                "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999\r\n\r\n"))
        #expect(result.error == .bodyTooLarge(Int.max))
        #expect(result.error?.status == .payloadTooLarge)
    }

    @Test func latin1ValueWithTabsAndBareLF() {
        // Obs-text bytes (0x9A) and inner tabs are kept, each byte as the scalar of the same value.
        let value: [UInt8] = [0x61, 0x9A, 0x9A, 0x09, 0x2E, 0x30, 0x9A, 0x09, 0x9A]
        let result = Self.outcome(Self.bytes("POST / HTTP/1.1\r\nHost: ") + value + [0x09, 0x0A, 0x0A])
        #expect(result.error == nil)
        #expect(result.requests.count == 1)
        let host = result.requests.first?.headers["Host"]
        #expect(host?.unicodeScalars.map { UInt8($0.value) } == value)
    }

    @Test func http10OneLetterMethodWithoutHost() {
        let result = Self.outcome(Self.bytes("T /x HTTP/1.0\nn: ") + [0xAC, 0x0D, 0x0A, 0x0A])
        #expect(result.error == nil)
        #expect(result.requests.first?.method == HTTPMethod(rawValue: "T"))
        #expect(result.requests.first?.headers["n"] == "\u{AC}")
        #expect(result.requests.first?.keepAlive == false)
    }

    @Test func http11WithoutHostIs400EvenWithTrailingBytes() {
        let result = Self.outcome(Self.bytes("T /k HTTP/1.1\r\n\r\nb"))
        #expect(result.requests.isEmpty)
        #expect(result.error == .badRequest("missing Host header"))
    }

    @Test func asteriskTargetForAnotherMethodIs400() {
        // "%" is a valid method token; asterisk-form is only for OPTIONS. Bare LF ends the head.
        let result = Self.outcome(Self.bytes("% * HTTP/1.1\r\n\n"))
        #expect(result.error == .badRequest("asterisk target is only valid for OPTIONS"))
    }

    @Test func percentZeroZeroInQueryIsKeptRaw() {
        // %00 is rejected in the path but the query stays raw; mixed LF and CRLF terminators.
        let result = Self.outcome(Self.bytes("GET /82?AC/%00 HTTP/1.1\nHost: a\r\n\r\n"))
        #expect(result.error == nil)
        #expect(result.requests.first?.path == "/82")
        #expect(result.requests.first?.query == "AC/%00")
        let rejected = Self.outcome(Self.bytes("GET /82/%00 HTTP/1.1\nHost: a\r\n\r\n"))
        #expect(rejected.error == .badRequest("control character in path"))
    }

    // Hand-written from here on.

    @Test func loneCRBeforeRequestLineIsNotAnEmptyLine() {
        // Only CRLF and LF lines are skipped before a request; a lone CR becomes part of the method.
        let result = Self.outcome(Self.bytes("\r\n\n\rGET / HTTP/1.1\r\nHost: a\r\n\r\n"))
        #expect(result.requests.isEmpty)
        #expect(result.error == .badRequest("invalid method"))
    }

    @Test func crCrLfLineInHeaderSectionIs400() {
        // "\r\r\n" does not end the head (only CRLF or LF does); it is a field line without a colon.
        let result = Self.outcome(Self.bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\r\n\r\n"))
        #expect(result.error == .badRequest("header field without colon"))
    }

    @Test func requestLineLimitCountsTheCROnlyAsTerminator() {
        let limits = HTTPLimits(maxRequestLineBytes: 16, maxHeaderBytes: 64, maxHeaderCount: 3, maxBodyBytes: 16)
        // "GET /abcdefghijk HTTP/1.0" is 26 bytes; "GET /abc HTTP/1.0" is 17; "GET /ab HTTP/1.0" is 16.
        #expect(Self.outcome(Self.bytes("GET /ab HTTP/1.0\r\n\r\n"), limits: limits).requests.count == 1)
        #expect(Self.outcome(Self.bytes("GET /abc HTTP/1.0\r\n\r\n"), limits: limits).error == .uriTooLong)
        #expect(Self.outcome(Self.bytes("GET /abc HTTP/1.0"), limits: limits).error == .uriTooLong)
    }

    @Test func zeroLimitsRejectEveryHeaderAndBody() {
        let limits = HTTPLimits(maxRequestLineBytes: 16, maxHeaderBytes: 0, maxHeaderCount: 0, maxBodyBytes: 0)
        #expect(Self.outcome(Self.bytes("GET / HTTP/1.0\r\n\r\n"), limits: limits).requests.count == 1)
        #expect(Self.outcome(Self.bytes("GET / HTTP/1.0\r\nA: b\r\n\r\n"), limits: limits).error == .tooManyHeaders)
    }
}
