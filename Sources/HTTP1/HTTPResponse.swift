import Buffers
import HTTPGrammar
import JSON

/// A response with a fully buffered body (the API's bodies are small JSON documents).
public struct HTTPResponse: Sendable, Equatable {
    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: HTTPStatus, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON body with `Content-Type: application/json`; `jsonText` must already be JSON
    /// (a literal, or what a `JSONWriter` wrote: build documents with the writer, never by
    /// interpolation, so every string goes through its escaper).
    public static func json(_ status: HTTPStatus, _ jsonText: String) -> HTTPResponse {
        json(status, bytes: Array(jsonText.utf8))
    }

    /// The document `writer` holds as the JSON body.
    public static func json(_ status: HTTPStatus, _ writer: JSONWriter) -> HTTPResponse {
        json(status, bytes: writer.buffer.readableBytesArray)
    }

    private static func json(_ status: HTTPStatus, bytes: [UInt8]) -> HTTPResponse {
        HTTPResponse(status: status, headers: HTTPHeaders([("Content-Type", "application/json")]), body: bytes)
    }

    /// A plain-text body with `Content-Type: text/plain; charset=utf-8`.
    public static func text(_ status: HTTPStatus, _ text: String) -> HTTPResponse {
        HTTPResponse(
            status: status, headers: HTTPHeaders([("Content-Type", "text/plain; charset=utf-8")]),
            body: Array(text.utf8))
    }

    /// `{"error":"<code>","message":"<message>"}`, written by `JSONWriter`.
    public static func error(_ status: HTTPStatus, code: String, message: String) -> HTTPResponse {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("error")
        writer.string(code)
        writer.key("message")
        writer.string(message)
        writer.endObject()
        return json(status, writer)
    }

    /// The error response for a rejected request.
    public static func error(_ error: HTTPParseError) -> HTTPResponse {
        let code =
            switch error {
            case .badRequest: "bad_request"
            case .uriTooLong: "uri_too_long"
            case .headersTooLarge: "headers_too_large"
            case .tooManyHeaders: "too_many_headers"
            case .bodyTooLarge: "body_too_large"
            case .unsupportedTransferEncoding: "unsupported_transfer_encoding"
            case .versionNotSupported: "version_not_supported"
            }
        return self.error(error.status, code: code, message: error.message)
    }

    /// Writes the status line, headers, blank line and (unless `includeBody` is false, for
    /// HEAD) the body. `Content-Length` is always computed from `body` (any set by the
    /// handler is replaced), except for 1xx/204/304, which have no body. `Connection: close`
    /// is added when `!keepAlive`, `Connection: keep-alive` for a kept-alive HTTP/1.0
    /// exchange. CR, LF and NUL in header names/values become spaces, so a value that
    /// came from a client cannot split the response.
    public func serialize(
        version: HTTPVersion = .http1_1, keepAlive: Bool, includeBody: Bool = true,
        into buffer: inout ByteBuffer
    ) {
        buffer.writeString("\(version) \(status.code) \(status.reasonPhrase)\r\n")
        for (name, value) in headers where !ASCII.equalsIgnoringCase(name, "Content-Length") {
            writeField(name, value, into: &buffer)
        }
        if !status.forbidsContentLength {
            writeField("Content-Length", String(body.count), into: &buffer)
        }
        if !keepAlive && !headers.containsToken("close", in: "Connection") {
            writeField("Connection", "close", into: &buffer)
        } else if keepAlive && version == .http1_0 && !headers.containsToken("keep-alive", in: "Connection") {
            writeField("Connection", "keep-alive", into: &buffer)
        }
        buffer.writeString("\r\n")
        if includeBody && !status.forbidsContentLength { buffer.writeBytes(body) }
    }

    private func writeField(_ name: String, _ value: String, into buffer: inout ByteBuffer) {
        buffer.writeBytes(Self.sanitized(name))
        buffer.writeString(": ")
        buffer.writeBytes(Self.sanitized(value))
        buffer.writeString("\r\n")
    }

    private static func sanitized(_ text: String) -> [UInt8] {
        text.utf8.map { $0 == ASCII.cr || $0 == ASCII.lf || $0 == 0 ? ASCII.space : $0 }
    }
}
