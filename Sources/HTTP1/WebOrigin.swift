import HTTPGrammar

/// A web origin (RFC 6454): scheme, host and port, as a browser names the page that
/// opened a request in its `Origin` header (`https://app.example.com`). Kept
/// normalized — scheme and host in lower case, the port always explicit (the scheme's
/// default when the text has none) — so two spellings of one origin compare equal.
/// Only `http` and `https` origins exist here: the pages that may talk to the server.
public struct WebOrigin: Hashable, Sendable, CustomStringConvertible {
    public let scheme: String
    public let host: String
    public let port: Int

    public init(scheme: String, host: String, port: Int? = nil) {
        self.scheme = Self.lowercased(Substring(scheme))
        self.host = Self.lowercased(Substring(host))
        self.port = port ?? Self.defaultPort(self.scheme) ?? 0
    }

    /// Parses `scheme://host[:port]` (a trailing `/` is tolerated, as people paste
    /// URLs). Nil for anything else: `null` (sandboxed frames, `file:` pages), other
    /// schemes, paths, user info, bad ports.
    public init?(_ text: Substring) {
        guard let separator = text.firstRange(of: "://") else { return nil }
        let scheme = Self.lowercased(text[..<separator.lowerBound])
        guard let defaultPort = Self.defaultPort(scheme) else { return nil }
        var rest = text[separator.upperBound...]
        if rest.last == "/" { rest = rest.dropLast() }
        guard let authority = Self.authority(rest) else { return nil }
        self.init(scheme: scheme, host: String(authority.host), port: authority.port ?? defaultPort)
    }

    /// `http://host:8000`, the port left out when it is the scheme's default (the form
    /// browsers send, so it can be echoed in `Access-Control-Allow-Origin`).
    public var description: String {
        port == Self.defaultPort(scheme) ? "\(scheme)://\(host)" : "\(scheme)://\(host):\(port)"
    }

    /// 80 for `http` (and `ws`), 443 for `https` (and `wss`); nil for other schemes.
    public static func defaultPort(_ scheme: String) -> Int? {
        switch scheme {
        case "http", "ws": 80
        case "https", "wss": 443
        default: nil
        }
    }

    /// Splits a `Host` header or an origin's authority: `host`, `host:port`,
    /// `[v6]` or `[v6]:port`. The host is checked for the characters a DNS name or an
    /// address may hold, so nothing else (`@`, `/`, `;`, spaces) gets through to a
    /// comparison or into a header built from it. Nil when malformed.
    public static func authority(_ text: Substring) -> (host: Substring, port: Int?)? {
        var host = text
        var portText: Substring?
        if text.first == "[" {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = text[...close]
            let after = text[text.index(after: close)...]
            if !after.isEmpty {
                guard after.first == ":" else { return nil }
                portText = after.dropFirst()
            }
            guard host.utf8.dropFirst().dropLast().allSatisfy(isAddressByte) else { return nil }
        } else {
            if let colon = text.lastIndex(of: ":") {
                host = text[..<colon]
                portText = text[text.index(after: colon)...]
            }
            guard host.utf8.allSatisfy(isNameByte) else { return nil }
        }
        guard !host.isEmpty else { return nil }
        guard let portText else { return (host, nil) }
        guard (1...5).contains(portText.utf8.count), portText.utf8.allSatisfy(ASCII.isDigit),
            let port = Int(portText), port <= 65535
        else { return nil }
        return (host, port)
    }

    /// Letters, digits, `-`, `.` and `_` (seen in container host names).
    private static func isNameByte(_ byte: UInt8) -> Bool {
        ASCII.isDigit(byte) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A) || byte == 0x2D || byte == 0x2E || byte == 0x5F
    }

    /// Inside `[...]`: hex digits, `:` and `.` (an IPv4 tail).
    private static func isAddressByte(_ byte: UInt8) -> Bool {
        ASCII.hexValue(byte) != nil || byte == ASCII.colon || byte == 0x2E
    }

    static func lowercased(_ text: Substring) -> String {
        String(decoding: text.utf8.map(ASCII.lowercased), as: UTF8.self)
    }
}
