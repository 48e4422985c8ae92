import HTTPGrammar

/// A response as an HTTP client receives it.
public struct HTTPClientResponse: Sendable, Equatable {
    public var status: Int
    public var reason: String
    public var headers: HTTPHeaders
    public var body: [UInt8]
}

/// Client-side response parsing (sans-I/O): call `parse` with everything received so
/// far; it answers `nil` until the response is complete. Bodies may be framed by
/// Content-Length, chunked encoding, or the end of the stream (`isEndOfStream`).
public enum HTTPResponseParser {
    public enum Error: Swift.Error, Equatable, Sendable {
        case malformed(String)
        case tooLarge(Int)
        case truncated
    }

    public static func parse(
        _ bytes: [UInt8], isEndOfStream: Bool, maxBytes: Int = 16 << 20
    ) throws(Error) -> HTTPClientResponse? {
        guard bytes.count <= maxBytes else { throw .tooLarge(maxBytes) }
        guard let (head, bodyStart) = try parseHead(bytes) else {
            if isEndOfStream { throw .truncated }
            return nil
        }
        let status = head.status
        let headers = head.headers
        func response(_ body: [UInt8]) -> HTTPClientResponse {
            var response = head
            response.body = body
            return response
        }
        if status == 204 || status == 304 || (100..<200).contains(status) { return response([]) }
        if headers.containsToken("chunked", in: "Transfer-Encoding") {
            return try decodeChunked(bytes, from: bodyStart, isEndOfStream: isEndOfStream).map(response)
        }
        if let lengthText = headers["Content-Length"] {
            guard let length = Int(lengthText), length >= 0 else { throw .malformed("bad Content-Length \(lengthText)") }
            guard length <= maxBytes else { throw .tooLarge(maxBytes) }
            if bytes.count - bodyStart >= length { return response(Array(bytes[bodyStart..<(bodyStart + length)])) }
            if isEndOfStream { throw .truncated }
            return nil
        }
        return isEndOfStream ? response(Array(bytes[bodyStart...])) : nil
    }

    /// The status line and headers (the body left empty) and where the body starts;
    /// nil until the blank line that ends the head has arrived. For a client that only
    /// needs the head, such as a WebSocket upgrade, whatever body follows.
    public static func parseHead(_ bytes: [UInt8]) throws(Error) -> (response: HTTPClientResponse, bodyStart: Int)? {
        guard let headEnd = find([13, 10, 13, 10], in: bytes, from: 0) else { return nil }
        var lines = split(Array(bytes[0..<headEnd]))
        guard !lines.isEmpty else { throw .malformed("empty response head") }
        let statusLine = String(decoding: lines.removeFirst(), as: UTF8.self)
        let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), parts[1].count == 3,
            let status = Int(parts[1]), (100...599).contains(status)
        else {
            throw .malformed("bad status line: \(statusLine.prefix(80))")
        }
        var headers = HTTPHeaders()
        for line in lines {
            guard let colon = line.firstIndex(of: 58), colon > 0 else { throw .malformed("bad header line") }
            let name = String(decoding: line[..<colon], as: UTF8.self)
            let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingOWS()
            headers.add(name: name, value: value)
        }
        let reason = parts.count > 2 ? String(parts[2]) : ""
        return (HTTPClientResponse(status: status, reason: reason, headers: headers, body: []), headEnd + 4)
    }

    private static func decodeChunked(_ bytes: [UInt8], from start: Int, isEndOfStream: Bool) throws(Error) -> [UInt8]? {
        var body: [UInt8] = []
        var index = start
        while true {
            guard let lineEnd = find([13, 10], in: bytes, from: index) else {
                if isEndOfStream { throw .truncated }
                return nil
            }
            var sizeText = String(decoding: bytes[index..<lineEnd], as: UTF8.self)
            if let semicolon = sizeText.firstIndex(of: ";") { sizeText = String(sizeText[..<semicolon]) }
            guard let size = Int(sizeText.trimmingOWS(), radix: 16), size >= 0 else { throw .malformed("bad chunk size") }
            index = lineEnd + 2
            if size == 0 {
                // Trailers (ignored) end with an empty line.
                guard find([13, 10], in: bytes, from: index) != nil else {
                    if isEndOfStream { throw .truncated }
                    return nil
                }
                return body
            }
            guard bytes.count >= index + size + 2 else {
                if isEndOfStream { throw .truncated }
                return nil
            }
            body.append(contentsOf: bytes[index..<(index + size)])
            index += size + 2
        }
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        var index = start
        while index + needle.count <= bytes.count {
            if bytes[index] == needle[0] && Array(bytes[index..<(index + needle.count)]) == needle { return index }
            index += 1
        }
        return nil
    }

    private static func split(_ head: [UInt8]) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        var index = 0
        while index + 1 < head.count {
            if head[index] == 13 && head[index + 1] == 10 {
                lines.append(head[start..<index])
                index += 2
                start = index
            } else {
                index += 1
            }
        }
        lines.append(head[start..<head.count])
        return lines
    }
}

extension String {
    func trimmingOWS() -> String {
        String(Substring(ASCII.trimmingWhitespace(self[...].utf8)))
    }
}
