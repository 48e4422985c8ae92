import HTTPGrammar

/// Parses a complete request head (as delimited by `HeadScanner`) in one linear pass.
enum RequestHeadParser {
    static func parse(_ head: UnsafeRawBufferPointer, limits: HTTPLimits) throws(HTTPParseError) -> RequestHead {
        var lines = LineIterator(bytes: head)
        guard let requestLine = lines.next() else { throw .badRequest("missing request line") }
        let (method, targetBytes, version) = try parseRequestLine(requestLine)
        let target = try RequestTarget.parse(targetBytes, method: method)

        var headers = HTTPHeaders(capacity: 16)
        while let line = lines.next(), !line.isEmpty {
            let (name, value) = try parseFieldLine(line)
            headers.add(name: name, value: value)
        }

        // One pass for the three fields the parser itself needs (each comparison
        // starts with the lengths, so most names are passed over at once).
        var hosts = 0
        var lengths: [String] = []
        var codings: [String] = []
        for (name, value) in headers.pairs {
            if ASCII.equalsIgnoringCase(name, "Host") {
                hosts += 1
            } else if ASCII.equalsIgnoringCase(name, "Content-Length") {
                lengths.append(value)
            } else if ASCII.equalsIgnoringCase(name, "Transfer-Encoding") {
                codings.append(value)
            }
        }
        let contentLength = try framing(lengths: lengths, codings: codings)
        if version == .http1_1 {
            if hosts == 0 { throw .badRequest("missing Host header") }
            if hosts > 1 { throw .badRequest("multiple Host headers") }
        }
        if contentLength > limits.maxBodyBytes { throw .bodyTooLarge(contentLength) }
        return RequestHead(
            method: method, target: String(decoding: targetBytes, as: UTF8.self),
            path: target.path, query: target.query, version: version,
            headers: headers, contentLength: contentLength)
    }

    /// `method SP request-target SP HTTP-version`, single spaces as RFC 9112 §3 requires.
    private static func parseRequestLine(
        _ line: UnsafeRawBufferPointer
    ) throws(HTTPParseError) -> (HTTPMethod, UnsafeRawBufferPointer, HTTPVersion) {
        guard let firstSpace = ASCII.firstIndex(of: ASCII.space, in: line),
            let secondSpace = ASCII.firstIndex(of: ASCII.space, in: line, from: firstSpace + 1)
        else { throw .badRequest("malformed request line") }
        let methodBytes = UnsafeRawBufferPointer(rebasing: line[..<firstSpace])
        guard !methodBytes.isEmpty, methodBytes.allSatisfy(ASCII.isTokenByte) else {
            throw .badRequest("invalid method")
        }
        let target = UnsafeRawBufferPointer(rebasing: line[(firstSpace + 1)..<secondSpace])
        let version = try parseVersion(UnsafeRawBufferPointer(rebasing: line[(secondSpace + 1)...]))
        return (HTTPMethod(rawValue: String(decoding: methodBytes, as: UTF8.self)), target, version)
    }

    /// `HTTP/` DIGIT `.` DIGIT. 1.0 and 1.1 are served; a higher 1.x minor is processed as
    /// 1.1 (RFC 9110 §2.5); any other major version is 505; anything else is 400.
    private static func parseVersion(_ bytes: UnsafeRawBufferPointer) throws(HTTPParseError) -> HTTPVersion {
        guard bytes.count == 8, bytes[0] == UInt8(ascii: "H"), bytes[1] == UInt8(ascii: "T"),
            bytes[2] == UInt8(ascii: "T"), bytes[3] == UInt8(ascii: "P"), bytes[4] == ASCII.slash, ASCII.isDigit(bytes[5]),
            bytes[6] == UInt8(ascii: "."), ASCII.isDigit(bytes[7])
        else { throw .badRequest("malformed HTTP version") }
        let major = Int(bytes[5] - 0x30)
        let minor = Int(bytes[7] - 0x30)
        guard major == 1 else {
            throw .versionNotSupported(String(decoding: bytes, as: UTF8.self))
        }
        return minor == 0 ? .http1_0 : .http1_1
    }

    /// `field-name ":" OWS field-value OWS`; values are decoded as ISO-8859-1.
    private static func parseFieldLine(_ line: UnsafeRawBufferPointer) throws(HTTPParseError) -> (String, String) {
        if ASCII.isWhitespace(line[0]) { throw .badRequest("obsolete line folding in header section") }
        guard let colon = ASCII.firstIndex(of: ASCII.colon, in: line) else { throw .badRequest("header field without colon") }
        let name = UnsafeRawBufferPointer(rebasing: line[..<colon])
        guard !name.isEmpty else { throw .badRequest("empty header field name") }
        guard name.allSatisfy(ASCII.isTokenByte) else {
            if let last = name.last, ASCII.isWhitespace(last) {
                throw .badRequest("whitespace between header field name and colon")
            }
            throw .badRequest("invalid header field name")
        }
        var start = colon + 1
        var end = line.count
        while start < end && ASCII.isWhitespace(line[start]) { start += 1 }
        while end > start && ASCII.isWhitespace(line[end - 1]) { end -= 1 }
        let value = UnsafeRawBufferPointer(rebasing: line[start..<end])
        for byte in value where (byte < 0x20 && byte != ASCII.tab) || byte == 0x7F {
            throw .badRequest("control character in header field value")
        }
        return (String(decoding: name, as: UTF8.self), ASCII.latin1String(value))
    }

    /// Message framing (RFC 9112 §6): only Content-Length bodies are supported.
    /// Transfer-Encoding together with Content-Length is the classic smuggling vector,
    /// so it is a 400 (and the connection closes) rather than a 501.
    private static func framing(lengths: [String], codings: [String]) throws(HTTPParseError) -> Int {
        if !codings.isEmpty {
            if !lengths.isEmpty { throw .badRequest("both Content-Length and Transfer-Encoding") }
            throw .unsupportedTransferEncoding(HTTPParseError.clipped(codings.joined(separator: ", ")))
        }
        var length: Int?
        for value in lengths {
            // "42, 42" is allowed when all members agree (RFC 9112 §6.3 item 5).
            for member in value.utf8.split(separator: ASCII.comma, omittingEmptySubsequences: false) {
                let digits = ASCII.trimmingWhitespace(member)
                guard !digits.isEmpty, digits.allSatisfy(ASCII.isDigit) else {
                    throw .badRequest("invalid Content-Length")
                }
                let parsed = digits.reduce(0) { total, digit in
                    let (times, overflow1) = total.multipliedReportingOverflow(by: 10)
                    let (sum, overflow2) = times.addingReportingOverflow(Int(digit - 0x30))
                    return overflow1 || overflow2 ? Int.max : sum
                }
                if let length, length != parsed { throw .badRequest("conflicting Content-Length values") }
                length = parsed
            }
        }
        return length ?? 0
    }
}

/// Yields the lines of a head without their CRLF or bare-LF terminators.
private struct LineIterator: IteratorProtocol {
    let bytes: UnsafeRawBufferPointer
    var position = 0

    mutating func next() -> UnsafeRawBufferPointer? {
        guard position < bytes.count else { return nil }
        let newline = ASCII.firstIndex(of: ASCII.lf, in: bytes, from: position) ?? bytes.count
        var end = newline
        if end > position && bytes[end - 1] == ASCII.cr { end -= 1 }
        let line = UnsafeRawBufferPointer(rebasing: bytes[position..<end])
        position = newline + 1
        return line
    }
}
