import PushProtocol

/// Who a new client is: fixed at the handshake.
public struct ClientInfo: Sendable, Equatable {
    /// This instance's id: one string shared by every client of the process.
    public let instance: String
    /// The connection's number on this instance (the server's connection id).
    public let connection: UInt64
    public let user: String
    public let remoteAddress: String
    /// Wall-clock microseconds since the epoch at connect.
    public let connectedAt: Int64
    /// Sent in `connected`; names this connection's session record. Nil when the server
    /// keeps no sessions (`SESSION_RESUME_TTL=0`, or benchmark mode without Redis).
    public let resumeToken: ResumeToken?
    /// After the token: its optional's tag and this flag share a word (every connection
    /// holds one of these).
    public let authenticated: Bool

    public init(
        instance: String, connection: UInt64, user: String, authenticated: Bool, remoteAddress: String,
        connectedAt: Int64, resumeToken: ResumeToken? = nil
    ) {
        self.instance = instance
        self.connection = connection
        self.user = user
        self.authenticated = authenticated
        self.remoteAddress = remoteAddress
        self.connectedAt = connectedAt
        self.resumeToken = resumeToken
    }

    /// `c_<instance>_<connection>`, made when asked (the `connected` message, log lines,
    /// admin lists) rather than kept: as a string of its own it was a heap allocation of
    /// ~64 bytes on every connection, 6 % of what a client costs (issue 15, workload C).
    public var clientID: String { Self.clientID(connection, instance: instance) }

    /// `c_<instance>_<connection id in lowercase hex>`: unique across the cluster and
    /// naming the instance that holds the client (instance ids have no `_`).
    public static func clientID(_ id: UInt64, instance: String) -> String {
        let digits = max(1, (64 - id.leadingZeroBitCount + 3) / 4)
        var instance = instance
        return instance.withUTF8 { name in
            String(unsafeUninitializedCapacity: 3 + name.count + digits) { text in
                text[0] = UInt8(ascii: "c")
                text[1] = UInt8(ascii: "_")
                for index in 0..<name.count { text[2 + index] = name[index] }
                text[2 + name.count] = UInt8(ascii: "_")
                let start = 3 + name.count
                for position in 0..<digits {
                    let nibble = UInt8((id >> UInt64(4 * (digits - 1 - position))) & 0xF)
                    text[start + position] = nibble < 10 ? 0x30 + nibble : 0x57 + nibble
                }
                return start + digits
            }
        }
    }
}
