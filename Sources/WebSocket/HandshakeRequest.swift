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
            case 7 where Self.equalsIgnoringASCIICase(header.name, "Upgrade"):
                fields.upgradeToWebSocket = fields.upgradeToWebSocket || Self.list(header.value, contains: "websocket")
            case 10 where Self.equalsIgnoringASCIICase(header.name, "Connection"):
                fields.connectionUpgrade = fields.connectionUpgrade || Self.list(header.value, contains: "upgrade")
            case 17 where Self.equalsIgnoringASCIICase(header.name, "Sec-WebSocket-Key"):
                if fields.keyCount == 0 { fields.key = header.value }
                fields.keyCount += 1
            case 21 where Self.equalsIgnoringASCIICase(header.name, "Sec-WebSocket-Version"):
                if fields.versionCount == 0 { fields.version = header.value }
                fields.versionCount += 1
            default:
                break
            }
        }
        return fields
    }

    /// Whether the comma-separated `value` holds `token` (case-insensitive, OWS trimmed),
    /// without allocating.
    static func list(_ value: String, contains token: String) -> Bool {
        var value = value
        return value.withUTF8 { bytes in
            var start = 0
            while start <= bytes.count {
                var end = start
                while end < bytes.count && bytes[end] != UInt8(ascii: ",") { end += 1 }
                var low = start
                var high = end
                while low < high && (bytes[low] == 0x20 || bytes[low] == 0x09) { low += 1 }
                while high > low && (bytes[high - 1] == 0x20 || bytes[high - 1] == 0x09) { high -= 1 }
                if equalsIgnoringASCIICase(UnsafeBufferPointer(rebasing: bytes[low..<high]), token) { return true }
                start = end + 1
            }
            return false
        }
    }

    /// ASCII case-insensitive equality (header names and tokens are ASCII).
    static func equalsIgnoringASCIICase(_ lhs: String, _ rhs: String) -> Bool {
        guard lhs.utf8.count == rhs.utf8.count else { return false }
        var lhs = lhs
        return lhs.withUTF8 { equalsIgnoringASCIICase($0, rhs) }
    }

    static func equalsIgnoringASCIICase(_ lhs: UnsafeBufferPointer<UInt8>, _ rhs: String) -> Bool {
        var rhs = rhs
        return rhs.withUTF8 { right in
            guard lhs.count == right.count else { return false }
            for index in 0..<lhs.count where lhs[index] != right[index] {
                // Letters differ by 0x20 between cases; nothing else may differ.
                let folded = lhs[index] | 0x20
                guard folded == right[index] | 0x20, folded >= UInt8(ascii: "a"), folded <= UInt8(ascii: "z") else {
                    return false
                }
            }
            return true
        }
    }

    /// `text` without leading or trailing spaces and tabs (HTTP optional whitespace).
    /// Works on UTF-8 code units: `Substring.first` would segment graphemes.
    static func trimmed(_ text: Substring) -> Substring {
        var bytes = text.utf8[...]
        while let first = bytes.first, first == 0x20 || first == 0x09 { bytes.removeFirst() }
        while let last = bytes.last, last == 0x20 || last == 0x09 { bytes.removeLast() }
        return Substring(bytes)
    }
}
