import HTTP1

/// Which TCP peers may tell us the client's address (`--trusted-proxies`), and the
/// address a request comes from once their `X-Forwarded-For` / `X-Real-IP` is read.
/// Headers from any other peer are ignored, so a client cannot forge its address.
public struct TrustedProxies: Sendable, Equatable {
    public let networks: [IPNetwork]

    public init(_ networks: [IPNetwork] = []) {
        self.networks = networks
    }

    /// A comma-separated list of CIDRs or addresses; blank means none.
    public init(parsing text: String) throws(TrustedProxiesError) {
        guard text.contains(where: { !$0.isWhitespace }) else {
            self.init()
            return
        }
        var networks: [IPNetwork] = []
        for entry in text.split(separator: ",", omittingEmptySubsequences: false) {
            let trimmed = Self.trimmed(entry)
            guard let network = IPNetwork(trimmed) else { throw .invalidEntry(String(trimmed)) }
            networks.append(network)
        }
        self.init(networks)
    }

    public var isEmpty: Bool { networks.isEmpty }

    public func trusts(_ address: IPAddress) -> Bool {
        networks.contains { $0.contains(address) }
    }

    /// The client's address for limits, logs and the admin API: the peer itself
    /// unless it is a trusted proxy with a well-formed `X-Forwarded-For` (or else
    /// `X-Real-IP`). Malformed headers fall back, they are never an error.
    public func clientAddress(peer: String, headers: HTTPHeaders) -> String {
        guard !networks.isEmpty, let peerAddress = IPAddress(Substring(peer)), trusts(peerAddress) else { return peer }
        if let forwarded = forwardedClient(headers.values("X-Forwarded-For")) { return forwarded.description }
        if let realIP = headers["X-Real-IP"], let address = Self.address(inForwardedEntry: Substring(realIP)) {
            return address.description
        }
        return peer
    }

    /// The scheme the client used, as a trusted proxy reports it in
    /// `X-Forwarded-Proto` (`http` or `https`; the first of a list, the hop nearest
    /// the client). Nil from any other peer, or when absent or something else: the
    /// scheme is then unknown (a TLS terminator the server was not told about).
    public func forwardedScheme(peer: String, headers: HTTPHeaders) -> String? {
        guard !networks.isEmpty, let value = headers["X-Forwarded-Proto"] else { return nil }
        guard let peerAddress = IPAddress(Substring(peer)), trusts(peerAddress) else { return nil }
        let first = Self.trimmed(value.split(separator: ",", omittingEmptySubsequences: false).first ?? "")
        switch first.lowercased() {
        case "http": return "http"
        case "https": return "https"
        default: return nil
        }
    }

    /// Walks the hops from the right, skipping trusted proxies: the first untrusted
    /// one is the client (anything left of it could be forged). When every hop is
    /// trusted, the leftmost is the client. Nil when the list is absent or malformed.
    func forwardedClient(_ fieldValues: [String]) -> IPAddress? {
        guard !fieldValues.isEmpty else { return nil }
        var hops: [IPAddress] = []
        for value in fieldValues {
            for entry in value.split(separator: ",", omittingEmptySubsequences: false) {
                guard let address = Self.address(inForwardedEntry: entry) else { return nil }
                hops.append(address)
            }
        }
        return hops.last { !trusts($0) } ?? hops.first
    }

    /// One hop: an address, optionally `[v6]`, `[v6]:port` or `v4:port`, spaces around.
    static func address(inForwardedEntry entry: Substring) -> IPAddress? {
        var text = trimmed(entry)
        if text.first == "[" {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let after = text[text.index(after: close)...]
            guard after.isEmpty || isPort(after) else { return nil }
            text = text[text.index(after: text.startIndex)..<close]
        } else if let colon = text.firstIndex(of: ":"), text.contains("."),
            text[text.index(after: colon)...].allSatisfy({ $0 != ":" })
        {
            guard isPort(text[colon...]) else { return nil }
            text = text[..<colon]
        }
        return IPAddress(text)
    }

    private static func isPort(_ text: Substring) -> Bool {
        text.first == ":" && (2...6).contains(text.utf8.count) && text.utf8.dropFirst().allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    private static func trimmed(_ text: Substring) -> Substring {
        var text = text
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return text
    }
}

/// Why `--trusted-proxies` was refused: the entry that is not a CIDR.
public enum TrustedProxiesError: Error, Equatable {
    case invalidEntry(String)
}
