import HTTPGrammar

/// The routing-relevant parts of a request-target (RFC 9112 §3.2).
struct RequestTarget: Sendable, Equatable {
    var path: String
    var query: String?

    /// Accepts origin-form (`/p?q`), absolute-form (`http://host/p?q`) and, for OPTIONS only,
    /// asterisk-form. Authority-form is rejected because CONNECT is not served.
    static func parse(_ bytes: UnsafeRawBufferPointer, method: HTTPMethod) throws(HTTPParseError) -> RequestTarget {
        guard let first = bytes.first else { throw .badRequest("empty request target") }
        // Only visible ASCII is allowed in a request-target; '#' never is (fragments stay client-side).
        for byte in bytes where byte <= 0x20 || byte >= 0x7F || byte == ASCII.hash {
            throw .badRequest("invalid character in request target")
        }
        if bytes.count == 1 && first == ASCII.asterisk {
            guard method == .options else { throw .badRequest("asterisk target is only valid for OPTIONS") }
            return RequestTarget(path: "*", query: nil)
        }
        if first == ASCII.slash { return try originForm(bytes[...]) }
        guard let pathStart = absoluteFormPathStart(bytes) else {
            throw .badRequest("request target must be origin-form or absolute-form")
        }
        if pathStart == bytes.count { return RequestTarget(path: "/", query: nil) }
        if bytes[pathStart] == ASCII.question {
            var target = try originForm(bytes[pathStart...])
            target.path = "/"
            return target
        }
        return try originForm(bytes[pathStart...])
    }

    /// Splits `path?query` and decodes the path strictly.
    private static func originForm(_ slice: Slice<UnsafeRawBufferPointer>) throws(HTTPParseError) -> RequestTarget {
        let bytes = UnsafeRawBufferPointer(rebasing: slice)
        let queryMark = ASCII.firstIndex(of: ASCII.question, in: bytes)
        let rawPath = UnsafeRawBufferPointer(rebasing: bytes[..<(queryMark ?? bytes.count)])
        let path: String
        if ASCII.firstIndex(of: ASCII.percent, in: rawPath) == nil {
            // Nothing to decode, and `parse` already refused control bytes.
            path = String(decoding: rawPath, as: UTF8.self)
        } else {
            guard let decoded = PercentDecoding.decodeStrict(rawPath[...]) else {
                throw .badRequest("invalid percent-encoding in path")
            }
            // Decoded control characters (e.g. %00) have no business in a path and confuse logs and file APIs.
            if decoded.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
                throw .badRequest("control character in path")
            }
            path = decoded
        }
        let query = queryMark.map { String(decoding: bytes[($0 + 1)...], as: UTF8.self) }
        return RequestTarget(path: path, query: query)
    }

    /// For `http://authority[/path][?query]` (also https, any case): the offset where the path
    /// or query starts, or `bytes.count` when there is neither. nil when not absolute-form.
    private static func absoluteFormPathStart(_ bytes: UnsafeRawBufferPointer) -> Int? {
        let separator = Array("://".utf8)
        guard let colon = bytes.firstIndex(of: ASCII.colon),
            bytes.count >= colon + 3, Array(bytes[colon..<(colon + 3)]) == separator
        else { return nil }
        let scheme = String(decoding: bytes[..<colon].map(ASCII.lowercased), as: UTF8.self)
        guard scheme == "http" || scheme == "https" else { return nil }
        let authorityStart = colon + 3
        let end = bytes[authorityStart...].firstIndex { $0 == ASCII.slash || $0 == ASCII.question } ?? bytes.count
        guard end > authorityStart else { return nil }
        return end
    }
}
