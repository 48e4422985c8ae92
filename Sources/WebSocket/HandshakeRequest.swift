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

    /// Every value of the header `name` (case-insensitive), in order.
    public func values(of name: String) -> [String] {
        headers.compactMap { Self.equalsIgnoringASCIICase($0.name, name) ? $0.value : nil }
    }

    /// Whether a comma-separated `name` header holds `token` (case-insensitive, OWS
    /// trimmed). Repeated headers are one list (RFC 9110 5.3). Allocates nothing:
    /// every handshake asks this twice.
    func hasToken(_ token: String, in name: String) -> Bool {
        for header in headers where Self.equalsIgnoringASCIICase(header.name, name) {
            var value = header.value
            let found = value.withUTF8 { bytes in
                var start = 0
                while start <= bytes.count {
                    var end = start
                    while end < bytes.count && bytes[end] != UInt8(ascii: ",") { end += 1 }
                    var low = start
                    var high = end
                    while low < high && (bytes[low] == 0x20 || bytes[low] == 0x09) { low += 1 }
                    while high > low && (bytes[high - 1] == 0x20 || bytes[high - 1] == 0x09) { high -= 1 }
                    if Self.equalsIgnoringASCIICase(UnsafeBufferPointer(rebasing: bytes[low..<high]), token) { return true }
                    start = end + 1
                }
                return false
            }
            if found { return true }
        }
        return false
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
