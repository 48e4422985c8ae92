import Buffers
import JSON
import PushProtocol

/// What the core asks its shell to do; the shell only switches on these (the way a
/// connection carries out `WebSocketAction`s). Every send is one WebSocket message.
public enum PushAction {
    /// A price update: the client's own head (`count` bytes at `offset` of a buffer that
    /// holds the heads of a whole group) in front of a body other clients share.
    case sendUpdate(ClientID, heads: SharedBytes, offset: Int, count: Int, body: SharedBytes)
    /// A tick's price update to the members of one group: each delivery says where its
    /// client's head lies in `heads`, and all share `body`. One action per group rather
    /// than per client keeps the fan-out free of per-client reference counting.
    case sendUpdates(heads: SharedBytes, body: SharedBytes, [Delivery])
    /// A complete text frame, encoded once and shared (cached replies, a broadcast).
    case sendFrame(ClientID, SharedBytes)
    /// A JSON text for this client alone (replies that echo an `id`, errors).
    case sendText(ClientID, [UInt8])
    /// Call `drained` once the client's outbound queue is back within the limit.
    case notifyWhenDrained(ClientID)
    /// Start the close handshake with 1008 and this reason.
    case close(ClientID, PushCloseReason)
    /// The core has let this client go (it is closing): the shell detaches its
    /// connection and frees what it holds for it (its connection-limit places).
    /// `messages`: what the core sent it, for the close line in the log.
    case forget(ClientID, ClientInfo, messages: Int)
    /// Write the session record under `token` (a client's subscriptions changed, or it
    /// left: `final`, which only refreshes a record that still exists, so a token used
    /// elsewhere meanwhile stays used).
    case saveSession(ResumeToken, SessionRecord, final: Bool)
    /// Look the record up for a `resume` (and consume it); the answer comes back through
    /// `PushCore.resumeLoaded`.
    case loadSession(ClientID, ResumeRequest)
    /// The client asked for its user's notifications on this connection (or to stop):
    /// the shell registers it with the loop's notification feed and replies, echoing `id`.
    case notifications(ClientID, subscribe: Bool, id: JSONValue?)
    /// The client acknowledged these notifications: the shell removes them from its
    /// user's queue and replies `acked` or an `error`, echoing `id`.
    case acknowledge(ClientID, ids: [String], id: JSONValue?)
    /// A tick's messages are all queued; `startedAt` is the tick's monotonic start (for
    /// the publish-latency histogram, taken once the loop's writes reach this point).
    case tickQueued(startedAt: UInt64)
}

/// One client's share of a group's `sendUpdates`: its head is `count` bytes at `offset`.
public struct Delivery: Sendable, Equatable {
    public let client: ClientID
    public let offset: Int
    public let count: Int

    public init(client: ClientID, offset: Int, count: Int) {
        self.client = client
        self.offset = offset
        self.count = count
    }
}

/// A client's `resume`, handed to the shell to look its record up and back to the core
/// with the answer.
public struct ResumeRequest: Sendable, Equatable {
    public let token: ResumeToken
    /// Who asks: a record of another user is answered like a missing one.
    public let user: String
    public let lastSeq: UInt64?
    public let id: JSONValue?

    public init(token: ResumeToken, user: String, lastSeq: UInt64?, id: JSONValue?) {
        self.token = token
        self.user = user
        self.lastSeq = lastSeq
        self.id = id
    }
}

/// What the session store answered.
public enum SessionLookup: Sendable, Equatable {
    /// The record, now deleted from the store (a token works once).
    case found(SessionRecord)
    /// No record for that token and user: never issued, expired, used, or another user's.
    case missing
    /// The store could not be asked (Redis down).
    case unavailable
}
