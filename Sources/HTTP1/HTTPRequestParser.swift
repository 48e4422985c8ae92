import Buffers
import HTTPGrammar

/// Incremental request parser: feed bytes as they arrive; supports pipelining (several
/// requests in one buffer: each `next` call consumes exactly one complete request and
/// leaves the rest), keep-alive, and Content-Length bodies.
///
/// Sans-I/O: the caller owns the buffer and the socket. Between calls the caller may
/// append to the buffer but must not consume from it. After a throw the stream position
/// is unknown, so the parser keeps rethrowing that error and the connection should close.
public struct HTTPRequestParser: Sendable {
    public let limits: HTTPLimits
    private var scanner = HeadScanner()
    /// Head whose body has not fully arrived yet.
    private var pendingHead: RequestHead?
    private var failure: HTTPParseError?

    public init(limits: HTTPLimits = HTTPLimits()) {
        self.limits = limits
    }

    /// true while some bytes of a request have been received but the request is not
    /// complete (the header read timeout uses it). Blank lines between requests do not count.
    public var hasPartialRequest: Bool { pendingHead != nil || scanner.scanned > 0 }

    /// Returns the next complete request and consumes its bytes, or nil when more bytes are
    /// needed. Limits are enforced as soon as they are exceeded, before the offending part
    /// is complete: oversized request lines and header sections while they arrive, an
    /// oversized Content-Length right after the head.
    public mutating func next(_ buffer: inout ByteBuffer) throws(HTTPParseError) -> HTTPRequest? {
        if let failure { throw failure }
        do {
            return try parseNext(&buffer)
        } catch {
            failure = error
            throw error
        }
    }

    private mutating func parseNext(_ buffer: inout ByteBuffer) throws(HTTPParseError) -> HTTPRequest? {
        if pendingHead == nil {
            guard skipEmptyLines(&buffer) else { return nil }
            let limits = self.limits
            let headLength = try buffer.withUnsafeReadableBytes { bytes throws(HTTPParseError) in
                try scanner.scan(bytes, limits: limits)
            }
            guard let headLength else { return nil }
            let head = try buffer.withUnsafeReadableBytes { bytes throws(HTTPParseError) in
                try RequestHeadParser.parse(UnsafeRawBufferPointer(rebasing: bytes[..<headLength]), limits: limits)
            }
            buffer.moveReaderIndex(by: headLength)
            pendingHead = head
        }
        guard let head = pendingHead, buffer.readableBytes >= head.contentLength else { return nil }
        pendingHead = nil
        return head.request(body: head.contentLength > 0 ? buffer.readBytes(head.contentLength) : [])
    }

    /// Drops CRLF/LF lines before a request line (RFC 9112 §2.2 lets servers ignore them).
    /// Returns false when the buffer holds nothing else yet.
    private func skipEmptyLines(_ buffer: inout ByteBuffer) -> Bool {
        guard scanner.scanned == 0 else { return true }
        while buffer.readableBytes > 0 {
            if buffer[0] == ASCII.lf {
                buffer.moveReaderIndex(by: 1)
            } else if buffer[0] == ASCII.cr {
                guard buffer.readableBytes >= 2 else { return false }
                guard buffer[1] == ASCII.lf else { return true }
                buffer.moveReaderIndex(by: 2)
            } else {
                return true
            }
        }
        return false
    }
}
