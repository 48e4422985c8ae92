import HTTP1
import Market
import Reactor

/// A minimal blocking HTTP/1.1 GET for the HTTP quote source (worker thread only).
/// `http://` only: put a TLS-terminating proxy in front of an `https://` feed.
public struct HTTPFetcher: Sendable {
    public let host: String
    public let port: Int
    public let target: String
    public let timeout: Double

    public init(url: String, timeout: Double) throws(QuoteSourceError) {
        guard url.hasPrefix("http://") else { throw .unreachable("only http:// URLs are supported: \(url)") }
        let rest = url.dropFirst("http://".count)
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<slash]
        target = slash == rest.endIndex ? "/" : String(rest[slash...])
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            host = String(authority[..<colon])
            guard let port = Int(authority[authority.index(after: colon)...]), (1...65535).contains(port) else {
                throw .unreachable("bad port in \(url)")
            }
            self.port = port
        } else {
            host = String(authority)
            port = 80
        }
        guard !host.isEmpty else { throw .unreachable("no host in \(url)") }
        self.timeout = timeout
    }

    public func get() throws(QuoteSourceError) -> [UInt8] {
        let deadline = MonotonicClock.now() + UInt64(timeout * 1e9)
        do {
            let stream = try BlockingStream(host: host, port: port, timeout: timeout)
            defer { stream.close() }
            let request =
                "GET \(target) HTTP/1.1\r\nHost: \(host)\r\nAccept: application/json\r\nConnection: close\r\nUser-Agent: stockpush\r\n\r\n"
            try stream.write(Array(request.utf8), timeout: timeout)
            var received: [UInt8] = []
            while true {
                let chunk = try stream.read(deadline: deadline)
                let response = try HTTPResponseParser.parse(received + chunk, isEndOfStream: chunk.isEmpty)
                received += chunk
                if let response {
                    guard (200..<300).contains(response.status) else { throw QuoteSourceError.badStatus(response.status) }
                    return response.body
                }
            }
        } catch let error as QuoteSourceError {
            throw error
        } catch ReactorError.syscall(let function, let code) where code == 110 {  // ETIMEDOUT
            _ = function
            throw .timeout(seconds: timeout)
        } catch {
            throw .unreachable("\(host):\(port): \(error)")
        }
    }
}
