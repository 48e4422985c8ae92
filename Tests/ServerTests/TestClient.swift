import Buffers
import Glibc
import Reactor
import WebSocket

/// A deliberately simple blocking client for integration tests: real TCP, written
/// against the RFCs rather than the server's internals.
final class TestClient {
    let fd: Int32
    private var received = ByteBuffer()
    /// RSV1 allowed: the compression tests read the server's compressed frames.
    private var decoder = FrameDecoder(maxPayloadSize: 64 << 20, requireMask: false, allowsRSV1: true)

    enum ClientError: Error { case timeout, closed, malformed(String) }

    /// `receiveBuffer` (SO_RCVBUF, set before connecting so the window stays small)
    /// makes a client that stops reading back up the server quickly.
    init(port: Int, timeoutSeconds: Int = 5, receiveBuffer: Int32? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        if var size = receiveBuffer {
            _ = setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else { throw ClientError.closed }
        // No Nagle: a small write must reach the server before a test moves its clock on.
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        setTimeout(seconds: timeoutSeconds)
    }

    deinit { _ = Glibc.close(fd) }

    func setTimeout(seconds: Int, microseconds: Int = 0) {
        var time = timeval(tv_sec: seconds, tv_usec: microseconds)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Sends everything, or throws when the peer stops accepting bytes (send timeout).
    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if n <= 0 {
                if errno == EINTR { continue }
                throw errno == EAGAIN ? ClientError.timeout : ClientError.closed
            }
            offset += n
        }
    }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    /// Reads more bytes; false on end of stream.
    @discardableResult
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { Glibc.recv(fd, $0.baseAddress, $0.count, 0) }
        if n < 0 {
            if errno == EAGAIN { throw ClientError.timeout }
            if errno == ECONNRESET { return false }
            throw ClientError.closed
        }
        if n == 0 { return false }
        received.writeBytes(chunk[0..<n])
        return true
    }

    /// True when the server closed the connection (EOF or reset) within the timeout.
    func waitForEOF() -> Bool {
        while true {
            do {
                if try !fill() { return true }
                received.clear()
            } catch ClientError.timeout {
                return false
            } catch {
                return true
            }
        }
    }

    struct Response {
        var status: Int
        var headers: [(String, String)]
        var body: String
        func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }
    }

    /// Reads one HTTP response (Content-Length bodies only, as the server sends).
    /// `head`: the response to a HEAD request, which has no body whatever its Content-Length.
    func readResponse(head isHead: Bool = false) throws -> Response {
        while true {
            if let end = headEnd() {
                let head = String(decoding: received.readBytes(end), as: UTF8.self)
                received.moveReaderIndex(by: 4)
                var lines = head.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
                let statusLine = lines.removeFirst().split(separator: " ")
                guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw ClientError.malformed(head) }
                let headers = lines.compactMap { line -> (String, String)? in
                    guard let colon = line.firstIndex(of: ":") else { return nil }
                    return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters())
                }
                var response = Response(status: status, headers: headers, body: "")
                let length = isHead ? 0 : Int(response.header("content-length") ?? "0") ?? 0
                while received.readableBytes < length {
                    guard try fill() else { throw ClientError.closed }
                }
                response.body = String(decoding: received.readBytes(length), as: UTF8.self)
                return response
            }
            guard try fill() else { throw ClientError.closed }
        }
    }

    private func headEnd() -> Int? {
        let count = received.readableBytes
        guard count >= 4 else { return nil }
        for index in 0...(count - 4)
        where received[index] == 13 && received[index + 1] == 10 && received[index + 2] == 13 && received[index + 3] == 10 {
            return index
        }
        return nil
    }

    /// Performs the opening handshake and checks the accept value.
    func upgrade(path: String, extraHeaders: String = "") throws -> Response {
        let key = "dGhlIHNhbXBsZSBub25jZQ=="
        try send(
            "GET \(path) HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: \(key)\r\nSec-WebSocket-Version: 13\r\n\(extraHeaders)\r\n"
        )
        return try readResponse()
    }

    func sendFrame(_ opcode: Opcode, _ payload: [UInt8], fin: Bool = true, masked: Bool = true, rsv: UInt8 = 0) throws {
        var buffer = ByteBuffer()
        if masked {
            FrameEncoder.encodeMasked(
                opcode: opcode, fin: fin, payload: payload, maskingKey: [0x11, 0x22, 0x33, 0x44], into: &buffer)
        } else {
            FrameEncoder.encode(opcode: opcode, fin: fin, payload: payload, into: &buffer)
        }
        var bytes = buffer.readableBytesArray
        if rsv != 0 { bytes[0] |= rsv << 4 }
        try send(bytes)
    }

    func sendText(_ text: String) throws { try sendFrame(.text, Array(text.utf8)) }

    func readFrame() throws -> Frame {
        while true {
            if let frame = try decoder.next(&received) { return frame }
            guard try fill() else { throw ClientError.closed }
        }
    }

    /// Reads frames until a non-ping one, answering nothing.
    func readFrameSkippingPings() throws -> Frame {
        while true {
            let frame = try readFrame()
            if frame.opcode != .ping { return frame }
        }
    }

    /// The close code of a close frame.
    static func closeCode(_ frame: Frame) -> UInt16? {
        guard frame.opcode == .close, frame.payload.count >= 2 else { return nil }
        return UInt16(frame.payload[0]) << 8 | UInt16(frame.payload[1])
    }
}

extension Substring {
    func trimmingCharacters() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
