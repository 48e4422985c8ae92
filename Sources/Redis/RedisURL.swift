/// A parsed `REDIS_URL`: `redis://[[user]:password@]host[:port][/db]`.
///
/// Parsed up front so a typo fails at startup with a reason instead of as a
/// connection error at the first command. User and password may be percent-encoded
/// (so they can contain `@`, `:` or `/`); an IPv6 host is written in brackets.
public struct RedisURL: Sendable, Equatable {
    public let host: String
    public let port: Int
    public let password: String?
    public let username: String?
    public let database: Int

    public static let defaultPort = 6379

    public init(_ string: String) throws(RedisError) {
        let scheme = "redis://"
        guard string.hasPrefix(scheme) else {
            throw .invalidURL("expected a redis:// URL, got \"\(Self.schemeOf(string))\"")
        }
        var rest = Substring(string.dropFirst(scheme.count))
        if rest.contains("?") || rest.contains("#") {
            throw .invalidURL("query strings and fragments are not supported")
        }

        // The database path: everything after the first "/" of the authority.
        var database = 0
        if let slash = rest.firstIndex(of: "/") {
            let path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
            if !path.isEmpty {
                guard path.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                    let number = Int(path), number <= 1_000_000
                else { throw .invalidURL("database must be a non-negative integer, got \"\(path)\"") }
                database = number
            }
        }

        // User information: split at the last "@" so unencoded "@" in passwords still works.
        var username: String?
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let userinfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            guard let colon = userinfo.firstIndex(of: ":") else {
                throw .invalidURL("user information must be [user]:password")
            }
            let user = try Self.percentDecoded(userinfo[..<colon], what: "user")
            let secret = try Self.percentDecoded(userinfo[userinfo.index(after: colon)...], what: "password")
            username = user.isEmpty ? nil : user
            password = secret
            if secret.isEmpty { throw .invalidURL("password is empty") }
        }

        // Host and port; "[v6]:port" keeps the colons of the address apart from the port's.
        var host: Substring
        var portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw .invalidURL("unterminated IPv6 address") }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw .invalidURL("unexpected \"\(after)\" after IPv6 address") }
                portText = after.dropFirst()
            }
        } else if let colon = rest.firstIndex(of: ":") {
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        } else {
            host = rest
        }
        guard !host.isEmpty else { throw .invalidURL("host is missing") }
        if host.contains(where: { $0 == " " || $0 == "[" || $0 == "]" }) {
            throw .invalidURL("host \"\(host)\" is not valid")
        }

        var port = Self.defaultPort
        if let portText {
            guard !portText.isEmpty, portText.utf8.count <= 5,
                portText.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                let number = Int(portText), (1...65_535).contains(number)
            else { throw .invalidURL("port must be 1...65535, got \"\(portText)\"") }
            port = number
        }

        self.host = String(host)
        self.port = port
        self.username = username
        self.password = password
        self.database = database
    }

    /// The URL with the password replaced by `***`: safe for logs and errors.
    public var redacted: String {
        var text = "redis://"
        if password != nil { text += "\(username ?? ""):***@" }
        text += host.contains(":") ? "[\(host)]" : host
        text += ":\(port)/\(database)"
        return text
    }

    /// The scheme part of a rejected URL, for the error message (never the whole URL:
    /// it may hold a password).
    private static func schemeOf(_ string: String) -> String {
        guard let range = string.firstRange(of: "://") else { return "no scheme" }
        return String(string[..<range.lowerBound]) + "://"
    }

    private static func percentDecoded(_ text: Substring, what: String) throws(RedisError) -> String {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                throw .invalidURL("bad percent-encoding in \(what)")
            }
            bytes.append(high << 4 | low)
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw .invalidURL("\(what) is not valid UTF-8 after percent-decoding")
        }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
