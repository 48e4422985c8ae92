import HTTPGrammar

/// A complete request as produced by `HTTPRequestParser`.
public struct HTTPRequest: Sendable, Equatable {
    public var method: HTTPMethod
    /// The request-target exactly as received (origin-form, absolute-form or `*`).
    public var target: String
    /// The percent-decoded path component (`*` for an asterisk-form target).
    public var path: String
    /// The raw (still percent-encoded) query, without the `?`; nil when the target had no `?`.
    public var query: String?
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(
        method: HTTPMethod, target: String, path: String, query: String? = nil,
        version: HTTPVersion = .http1_1, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []
    ) {
        self.method = method
        self.target = target
        self.path = path
        self.query = query
        self.version = version
        self.headers = headers
        self.body = body
    }

    /// Query parameters percent-decoded ('+' as space), in order, repeated names kept.
    /// Decoding is lenient (invalid escapes stay literal) since a getter cannot fail.
    public var queryItems: [(name: String, value: String)] {
        guard let query else { return [] }
        return query.utf8.split(separator: ASCII.ampersand).map { item in
            if let equals = item.firstIndex(of: ASCII.equals) {
                return (
                    name: PercentDecoding.decodeLenient(item[..<equals]),
                    value: PercentDecoding.decodeLenient(item[item.index(after: equals)...])
                )
            }
            return (name: PercentDecoding.decodeLenient(item), value: "")
        }
    }

    /// The first value of query parameter `name`, decoded.
    public func queryItem(_ name: String) -> String? {
        queryItems.first { $0.name == name }?.value
    }

    /// HTTP/1.1 default keep-alive unless `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`.
    public var keepAlive: Bool {
        if headers.containsToken("close", in: "Connection") { return false }
        if version.major == 1 && version.minor == 0 {
            return headers.containsToken("keep-alive", in: "Connection")
        }
        return true
    }

    /// The request body decoded as UTF-8 (invalid sequences repaired), for JSON/text handlers.
    public var bodyString: String { String(decoding: body, as: UTF8.self) }
}
