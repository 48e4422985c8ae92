/// A parsed `REDIS_SENTINELS` list: `host:port,host:port,...` (the port defaults to
/// 26379, an IPv6 host is written in brackets). Parsed up front so a typo fails at
/// startup with a reason, not as "no primary" at the first command.
public struct RedisSentinels: Sendable, Equatable, CustomStringConvertible {
    public struct Address: Sendable, Equatable, CustomStringConvertible {
        public let host: String
        public let port: Int

        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    }

    /// Asked in this order.
    public let addresses: [Address]

    public static let defaultPort = 26379
    /// More than this is a mistake (a deployment runs 3 or 5).
    public static let maximumCount = 32

    public init(_ text: String) throws(RedisError) {
        var addresses: [Address] = []
        let entries = text.split(separator: ",", omittingEmptySubsequences: false)
        for (index, raw) in entries.enumerated() {
            let entry = raw.trimmingSpaces
            guard !entry.isEmpty else {
                throw .invalidSentinels(
                    text.isEmpty ? "the list is empty" : "entry \(index + 1) is empty (expected host:port,host:port)")
            }
            let address = try Self.address(entry)
            guard !addresses.contains(address) else { throw .invalidSentinels("\(address) is listed twice") }
            addresses.append(address)
        }
        guard addresses.count <= Self.maximumCount else {
            throw .invalidSentinels("\(addresses.count) sentinels, at most \(Self.maximumCount)")
        }
        self.addresses = addresses
    }

    public var description: String { addresses.map(\.description).joined(separator: ",") }

    private static func address(_ entry: Substring) throws(RedisError) -> Address {
        if entry.contains("://") { throw .invalidSentinels("\"\(entry)\" is a URL, expected host:port") }
        var host: Substring
        var portText: Substring?
        if entry.hasPrefix("[") {
            guard let close = entry.firstIndex(of: "]") else {
                throw .invalidSentinels("unterminated IPv6 address in \"\(entry)\"")
            }
            host = entry[entry.index(after: entry.startIndex)..<close]
            let after = entry[entry.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw .invalidSentinels("unexpected \"\(after)\" in \"\(entry)\"") }
                portText = after.dropFirst()
            }
        } else if let colon = entry.firstIndex(of: ":") {
            host = entry[..<colon]
            portText = entry[entry.index(after: colon)...]
        } else {
            host = entry
        }
        guard !host.isEmpty else { throw .invalidSentinels("host is missing in \"\(entry)\"") }
        if host.contains(where: { $0 == " " || $0 == "/" || $0 == "@" || $0 == "[" || $0 == "]" }) {
            throw .invalidSentinels("host \"\(host)\" is not valid (expected host:port, not a URL)")
        }
        var port = defaultPort
        if let portText {
            guard !portText.isEmpty, portText.utf8.count <= 5,
                portText.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                let number = Int(portText), (1...65_535).contains(number)
            else { throw .invalidSentinels("port must be 1...65535, got \"\(portText)\" in \"\(entry)\"") }
            port = number
        }
        return Address(host: String(host), port: port)
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var text = self
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return text
    }
}
