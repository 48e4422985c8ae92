import HTTPGrammar

/// The parts of an HTTP request the opening handshake looks at.
///
/// Independent of any HTTP parser so the glue can fill it from whatever it parsed; the
/// field syntax (case, lists, whitespace) is HTTPGrammar's, as the parser's is.
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

    /// The four fields the handshake checks, gathered in one pass over the headers
    /// (names are told apart by length first, so most are passed over at once).
    struct Fields {
        /// `Upgrade` lists `websocket`; `Connection` lists `upgrade` (RFC 9110 5.3: repeated
        /// fields are one list).
        var upgradeToWebSocket = false
        var connectionUpgrade = false
        var versionCount = 0
        var version: String?
        var keyCount = 0
        var key: String?
    }

    func fields() -> Fields {
        var fields = Fields()
        for header in headers {
            switch header.name.utf8.count {
            case 7 where ASCII.equalsIgnoringCase(header.name, "Upgrade"):
                fields.upgradeToWebSocket = fields.upgradeToWebSocket || ASCII.list(header.value, contains: "websocket")
            case 10 where ASCII.equalsIgnoringCase(header.name, "Connection"):
                fields.connectionUpgrade = fields.connectionUpgrade || ASCII.list(header.value, contains: "upgrade")
            case 17 where ASCII.equalsIgnoringCase(header.name, "Sec-WebSocket-Key"):
                if fields.keyCount == 0 { fields.key = header.value }
                fields.keyCount += 1
            case 21 where ASCII.equalsIgnoringCase(header.name, "Sec-WebSocket-Version"):
                if fields.versionCount == 0 { fields.version = header.value }
                fields.versionCount += 1
            default:
                break
            }
        }
        return fields
    }

    /// The values of every `Sec-WebSocket-Extensions` field, in order (one list, RFC 9110 5.3).
    public var extensionFieldValues: [String] {
        headers.filter { ASCII.equalsIgnoringCase($0.name, "Sec-WebSocket-Extensions") }.map(\.value)
    }

    /// `text` without leading or trailing optional whitespace.
    static func trimmed(_ text: Substring) -> Substring {
        Substring(ASCII.trimmingWhitespace(text.utf8))
    }
}
