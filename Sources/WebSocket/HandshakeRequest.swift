/// The parts of an HTTP request the opening handshake looks at.
///
/// Independent of any HTTP parser so the glue can fill it from whatever it parsed.
public struct HandshakeRequest: Sendable {
    public var method: String
    public var versionMajor: Int
    public var versionMinor: Int
    /// Header fields in arrival order; names compare case-insensitively.
    public var headers: [(name: String, value: String)]

    public init(method: String, versionMajor: Int, versionMinor: Int, headers: [(name: String, value: String)]) {
        self.method = method
        self.versionMajor = versionMajor
        self.versionMinor = versionMinor
        self.headers = headers
    }

    /// Every value of the header `name` (case-insensitive), in order.
    public func values(of name: String) -> [String] {
        let wanted = name.lowercased()
        return headers.compactMap { $0.name.lowercased() == wanted ? $0.value : nil }
    }

    /// The comma-separated tokens of every `name` header, trimmed and lowercased.
    /// Repeated headers are one list (RFC 9110 5.3).
    func tokens(of name: String) -> [String] {
        values(of: name).flatMap { value in
            value.split(separator: ",").map { HandshakeRequest.trimmed($0).lowercased() }
        }
    }

    /// `text` without leading or trailing spaces and tabs (HTTP optional whitespace).
    static func trimmed(_ text: Substring) -> Substring {
        var result = text
        while let first = result.first, first == " " || first == "\t" { result.removeFirst() }
        while let last = result.last, last == " " || last == "\t" { result.removeLast() }
        return result
    }
}
