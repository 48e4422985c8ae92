import Reactor

/// Where a connection comes from, kept small: the numeric host (inline for IPv4, no
/// allocation) and the port, instead of a 128-byte sockaddr_storage per connection.
public struct PeerAddress: Sendable, Hashable, CustomStringConvertible {
    public let host: String
    public let port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public init(_ address: SocketAddress) {
        host = address.host
        port = address.port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// How a log line names a client reached through this peer: the client's own
    /// address when a trusted proxy gave one (with the proxy's hop after it), else the peer.
    public func logName(client: String?) -> String {
        guard let client, client != host else { return description }
        return "\(client) (via \(description))"
    }
}
