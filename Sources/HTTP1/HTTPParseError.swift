/// Why a request was rejected. Each case maps to the status the server answers
/// with before closing the connection (the stream position is lost after any of them).
public enum HTTPParseError: Error, Equatable, Sendable {
    /// Malformed syntax; the payload says what was malformed.
    case badRequest(String)
    /// The request line exceeds `HTTPLimits.maxRequestLineBytes`.
    case uriTooLong
    /// The header section exceeds `HTTPLimits.maxHeaderBytes`.
    case headersTooLarge
    /// More than `HTTPLimits.maxHeaderCount` field lines.
    case tooManyHeaders
    /// The declared `Content-Length` exceeds `HTTPLimits.maxBodyBytes`.
    case bodyTooLarge(Int)
    /// A `Transfer-Encoding` header was sent; chunked bodies are not implemented.
    case unsupportedTransferEncoding(String)
    /// A well-formed version other than HTTP/1.x, e.g. `HTTP/2.0`.
    case versionNotSupported(String)

    public var status: HTTPStatus {
        switch self {
        case .badRequest: .badRequest
        case .uriTooLong: .uriTooLong
        case .headersTooLarge, .tooManyHeaders: .requestHeaderFieldsTooLarge
        case .bodyTooLarge: .payloadTooLarge
        case .unsupportedTransferEncoding: .notImplemented
        case .versionNotSupported: .httpVersionNotSupported
        }
    }

    /// Human-readable text for the error body.
    public var message: String {
        switch self {
        case .badRequest(let detail): "Bad request: \(detail)"
        case .uriTooLong: "Request line is too long"
        case .headersTooLarge: "Header section is too large"
        case .tooManyHeaders: "Too many header fields"
        case .bodyTooLarge(let length): "Request body of \(length) bytes is too large"
        case .unsupportedTransferEncoding(let coding): "Transfer-Encoding '\(coding)' is not supported"
        case .versionNotSupported(let version): "HTTP version '\(version)' is not supported"
        }
    }

    /// Client-controlled text embedded in messages is capped so error bodies stay small.
    static func clipped(_ text: String) -> String {
        text.count <= 64 ? text : String(text.prefix(64)) + "..."
    }
}
