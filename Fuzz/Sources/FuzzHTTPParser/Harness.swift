// libFuzzer harness for HTTPRequestParser.
//
// Input layout: byte 0 seeds the chunk split points, byte 1 picks the limits, the rest is
// the byte stream a client sends. The stream is parsed once whole and once in chunks; both
// must give the same requests and the same error, and every request must respect the limits.
import Buffers
import HTTP1
import WebSocket

/// What one parse of a stream produced.
struct Outcome: Equatable {
    var requests: [HTTPRequest] = []
    var error: HTTPParseError?
    /// Bytes left unconsumed after the last call (only meaningful without an error).
    var leftover: [UInt8] = []
    var partial = false
}

/// Small deterministic generator for chunk sizes (xorshift32).
struct SplitSeed {
    var state: UInt32
    let maxChunk: Int

    init(_ byte: UInt8) {
        state = 0x9E37_79B9 ^ UInt32(byte) &* 0x0101_0101
        if state == 0 { state = 1 }
        // Low 3 bits: largest chunk from 1 byte (byte by byte) up to 128 bytes.
        maxChunk = 1 << Int(byte & 0x07)
    }

    mutating func nextChunk() -> Int {
        state ^= state << 13
        state ^= state >> 17
        state ^= state << 5
        return 1 + Int(state % UInt32(maxChunk))
    }
}

func limits(for selector: UInt8) -> HTTPLimits {
    switch selector & 0x03 {
    case 0: return HTTPLimits()
    case 1: return HTTPLimits(maxRequestLineBytes: 32, maxHeaderBytes: 64, maxHeaderCount: 3, maxBodyBytes: 16)
    case 2: return HTTPLimits(maxRequestLineBytes: 1, maxHeaderBytes: 0, maxHeaderCount: 0, maxBodyBytes: 0)
    default:
        // Limits derived from the selector so the boundary values move around.
        let n = Int(selector >> 2)
        return HTTPLimits(maxRequestLineBytes: 8 + n, maxHeaderBytes: 2 * n, maxHeaderCount: n & 7, maxBodyBytes: n)
    }
}

/// Feeds `chunks` to a fresh parser, draining requests after each append (the server's pattern).
func parse(_ chunks: [UnsafeRawBufferPointer], limits: HTTPLimits) -> Outcome {
    var parser = HTTPRequestParser(limits: limits)
    var buffer = ByteBuffer()
    var outcome = Outcome()
    do {
        for chunk in chunks {
            buffer.writeBytes(chunk)
            while let request = try parser.next(&buffer) {
                check(request, limits: limits)
                outcome.requests.append(request)
            }
        }
    } catch {
        outcome.error = error
        // Documented contract: after a throw the parser keeps rethrowing the same error.
        do {
            _ = try parser.next(&buffer)
            preconditionFailure("parser returned after an error")
        } catch let again {
            precondition(again == error, "parser changed its error after a throw")
        }
        return outcome
    }
    outcome.leftover = buffer.readableBytesArray
    outcome.partial = parser.hasPartialRequest
    return outcome
}

/// Per-request invariants.
func check(_ request: HTTPRequest, limits: HTTPLimits) {
    precondition(request.body.count <= limits.maxBodyBytes, "body exceeds maxBodyBytes")
    precondition(request.target.utf8.count <= limits.maxRequestLineBytes, "target exceeds the request line limit")
    precondition(request.headers.count <= limits.maxHeaderCount, "more headers than maxHeaderCount")
    precondition(request.version == .http1_0 || request.version == .http1_1, "unexpected version")
    precondition(!request.method.rawValue.isEmpty, "empty method")
    precondition(!request.path.utf8.contains { $0 < 0x20 || $0 == 0x7F }, "control character in path")
    if request.path == "*" && request.target == "*" {
        precondition(request.method == .options, "asterisk-form for a method other than OPTIONS")
    }
    let lengths = request.headers.values("Content-Length")
    if lengths.isEmpty {
        precondition(request.body.isEmpty, "body without Content-Length")
    }
    precondition(!request.headers.contains(name: "Transfer-Encoding"), "Transfer-Encoding accepted")
    if request.version == .http1_1 {
        precondition(request.headers.values("Host").count == 1, "HTTP/1.1 request without exactly one Host")
    }
    for (name, value) in request.headers {
        precondition(!name.isEmpty, "empty field name")
        precondition(!value.unicodeScalars.contains { $0.value < 0x20 && $0 != "\t" || $0.value == 0x7F },
                     "control character in field value")
        precondition(value.first != " " && value.last != " ", "field value not trimmed")
    }
    // Exercise the getters the server uses on every request; they must not trap.
    _ = request.keepAlive
    _ = request.queryItems
    _ = request.bodyString
    // The upgrade path looks at every request that asks for it.
    let handshake = HandshakeRequest(
        method: request.method.rawValue, versionMajor: request.version.major,
        versionMinor: request.version.minor,
        headers: request.headers.map { (name: $0.name, value: $0.value) })
    if case .accept(let accept) = WebSocketHandshake.evaluate(handshake) {
        precondition(accept.utf8.count == 28, "Sec-WebSocket-Accept is not base64 of 20 bytes")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 2 else { return 0 }
    let raw = UnsafeRawBufferPointer(start: data, count: size)
    let limits = limits(for: raw[1])
    let stream = UnsafeRawBufferPointer(rebasing: raw[2...])

    let whole = parse([stream], limits: limits)

    var chunks: [UnsafeRawBufferPointer] = []
    var seed = SplitSeed(raw[0])
    var offset = 0
    while offset < stream.count {
        let end = min(stream.count, offset + seed.nextChunk())
        chunks.append(UnsafeRawBufferPointer(rebasing: stream[offset..<end]))
        offset = end
    }
    let chunked = parse(chunks, limits: limits)
    precondition(whole == chunked, "whole and chunked parses differ: \(whole) vs \(chunked)")
    return 0
}
