import JSON
import Market
import PushProtocol

/// One client's state in the core: subscriptions, `seq`, flood guard and conflation.
/// A class so groups can hold members by reference; loop-bound like the core.
final class PushClient {
    let id: ClientID
    let info: ClientInfo

    /// In subscription order. A linear search is fine for lookups (at most
    /// WS_MAX_SUBSCRIPTIONS, touched only by requests) and a set would cost every
    /// connection another allocation.
    var subscriptions: [SubscriptionKey] = []
    /// Strong; cleared when the client leaves the group.
    var group: SubscriptionGroup?
    var groupIndex = -1

    /// Last `seq` sent; the next price_update carries seq + 1.
    var seq: UInt64 = 0
    /// The publication this client got a head written for (the fan-out's two passes).
    var lastPublication: Int64 = -1
    /// Messages the core has sent this client (`message_count`).
    var messagesSent = 0
    /// Queued quotes replaced by newer ones while the client was slow.
    var conflated = 0
    /// Stocks whose update is held back while the queue is over the limit.
    var heldBack: Set<String> = []
    var floodGuard: FloodGuard
    /// A `notifyWhenDrained` is outstanding. (After the flood guard, whose last field is
    /// a flag too: the two share a word. A client's record is most of what a connection
    /// costs the core.)
    var awaitingDrain = false
    /// The client subscribed to its user's notifications (kept for a resumed session).
    var notifications = false
    /// A session record was written for it: the close writes the last one (seq included).
    var sessionSaved = false
    /// Its connection agreed permessage-deflate: price updates go to it compressed.
    var compressed = false

    init(id: ClientID, info: ClientInfo, floodGuard: FloodGuard) {
        self.id = id
        self.info = info
        self.floodGuard = floodGuard
    }
}

@available(*, unavailable)
extension PushClient: Sendable {}
