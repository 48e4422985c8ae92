import Buffers
import Market

/// The selection behind the admin API: who a manual push, a broadcast or a disconnect
/// reaches, and what the stats and client list report.
extension PushCore {
    /// A manual push: each client whose subscriptions cover any of `codes` gets those it
    /// covers as a snapshot stamped `timestamp`; one body per group. A client over its
    /// queue limit has them held back like a tick's. Returns the clients reached.
    public func push(
        codes: Set<String>, timestamp: Int64, queueFull: QueueFull, into actions: inout [PushAction]
    ) -> Int {
        var reached = 0
        for group in groups.values {
            let covered = codes.filter { group.covered.contains($0) }
            let fragments = fragmentsInCodeOrder(covered)
            if fragments.isEmpty { continue }
            let shared = body(of: fragments, snapshot: true, timestamp: timestamp)
            for client in group.members {
                if queueFull(client.id) {
                    hold(covered, for: client, into: &actions)
                } else {
                    deliver(shared, to: client, into: &actions)
                }
                reached += 1
            }
        }
        return reached
    }

    /// One encoded frame to every client. Returns how many it went to.
    public func broadcast(frame: SharedBytes, into actions: inout [PushAction]) -> Int {
        var sent = 0
        for case let client? in slots {
            send(frame: frame, to: client, into: &actions)
            sent += 1
        }
        return sent
    }

    /// Who the client is, while it is registered.
    public func info(of id: ClientID) -> ClientInfo? {
        client(id)?.info
    }

    /// Messages the core has sent the client (`message_count`), while it is registered.
    public func messagesSent(to id: ClientID) -> Int? {
        client(id)?.messagesSent
    }

    /// The client with this client id (`c_…`), if it is here. Each client's id is made
    /// to compare (ids are not kept): an admin's disconnect, never the message path.
    public func find(clientID: String) -> ClientID? {
        for case let client? in slots where client.info.clientID == clientID { return client.id }
        return nil
    }

    /// Closes the client and forgets it at once, so it leaves the client list now and a
    /// second request finds nothing. False when no such client is here.
    public func disconnect(_ id: ClientID, into actions: inout [PushAction]) -> Bool {
        guard let client = client(id) else { return false }
        actions.append(.close(id, .admin))
        forget(client, into: &actions)
        return true
    }

    /// Subscriptions held over all clients, without building a key string each: the
    /// cluster registry publishes it every heartbeat.
    public var subscriptionTotal: Int {
        var total = 0
        for case let client? in slots { total += client.subscriptions.count }
        return total
    }

    /// Subscription counts per key (`strategy:volume_wave`).
    public var subscriptionCounts: [String: Int] {
        var counts: [String: Int] = [:]
        for case let client? in slots {
            for key in client.subscriptions { counts[key.description, default: 0] += 1 }
        }
        return counts
    }

    /// What the admin client list shows of one client, from the core's side.
    public struct ClientSummary: Sendable {
        public let id: ClientID
        public let info: ClientInfo
        public let subscriptions: [SubscriptionKey]
        public let seq: UInt64
        public let messagesSent: Int
        public let conflated: Int
    }

    /// Every registered client, oldest first.
    public var clientSummaries: [ClientSummary] {
        slots.compactMap { $0 }.map {
            ClientSummary(
                id: $0.id, info: $0.info, subscriptions: $0.subscriptions, seq: $0.seq, messagesSent: $0.messagesSent,
                conflated: $0.conflated)
        }.sorted { ($0.info.connectedAt, $0.info.connection) < ($1.info.connectedAt, $1.info.connection) }
    }
}
