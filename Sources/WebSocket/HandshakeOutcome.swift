/// The verdict on an upgrade request.
public enum HandshakeOutcome: Equatable, Sendable {
    /// Upgrade: answer 101 with this `Sec-WebSocket-Accept` value.
    case accept(acceptValue: String)
    /// Refuse with this status; `headers` are extra response headers (e.g. `Sec-WebSocket-Version` on 426).
    case reject(status: Int, reason: String, headers: [String: String]?)
}
