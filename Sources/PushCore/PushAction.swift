import Buffers

/// What the core asks its shell to do; the shell only switches on these (the way a
/// connection carries out `WebSocketAction`s). Every send is one WebSocket message.
public enum PushAction {
    /// A price update: the client's own head (`count` bytes at `offset` of a buffer that
    /// holds the heads of a whole group) in front of a body other clients share.
    case sendUpdate(ClientID, heads: SharedBytes, offset: Int, count: Int, body: SharedBytes)
    /// A complete text frame, encoded once and shared (cached replies, a broadcast).
    case sendFrame(ClientID, SharedBytes)
    /// A JSON text for this client alone (replies that echo an `id`, errors).
    case sendText(ClientID, [UInt8])
    /// Call `drained` once the client's outbound queue is back within the limit.
    case notifyWhenDrained(ClientID)
    /// Start the close handshake with 1008 and this reason.
    case close(ClientID, PushCloseReason)
    /// A tick's messages are all queued; `startedAt` is the tick's monotonic start (for
    /// the publish-latency histogram, taken once the loop's writes reach this point).
    case tickQueued(startedAt: UInt64)
}

extension PushAction {
    /// The client the action is for, nil for `tickQueued`.
    public var client: ClientID? {
        switch self {
        case .sendUpdate(let id, _, _, _, _), .sendFrame(let id, _), .sendText(let id, _), .notifyWhenDrained(let id),
            .close(let id, _):
            id
        case .tickQueued:
            nil
        }
    }
}
