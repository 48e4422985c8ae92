import PushCore

/// Where a client sorts in the cluster-wide client list: by instance id, then by the
/// connection counter the instance gave it. Client ids are `c_<instance>_<hex>`, so the
/// id itself is the cursor: a page ends at a client, the next starts after it.
struct ClientPosition: Comparable, Hashable, Sendable {
    let instance: String
    let counter: UInt64

    /// Nil for anything that is not a client id of this server.
    init?(clientID: String) {
        let utf8 = Array(clientID.utf8)
        guard utf8.count > 4, utf8[0] == UInt8(ascii: "c"), utf8[1] == UInt8(ascii: "_"),
            let split = utf8.lastIndex(of: UInt8(ascii: "_")), split > 2, split < utf8.count - 1,
            utf8.count - split - 1 <= 16
        else { return nil }
        let instance = String(decoding: utf8[2..<split], as: UTF8.self)
        guard InstanceIdentity.isValid(instance),
            let counter = UInt64(String(decoding: utf8[(split + 1)...], as: UTF8.self), radix: 16)
        else { return nil }
        self.instance = instance
        self.counter = counter
    }

    init(instance: String, counter: UInt64) {
        self.instance = instance
        self.counter = counter
    }

    static func < (lhs: ClientPosition, rhs: ClientPosition) -> Bool {
        (lhs.instance, lhs.counter) < (rhs.instance, rhs.counter)
    }
}

/// Paging the client list across instances. Each instance answers with its first
/// `limit` clients after the cursor (and whether it has more); the asker merges them
/// and keeps the first `limit`. The global first `limit` after the cursor are among
/// those, and the order is total, so following `next_cursor` lists each client once.
enum ClientPage {
    static let defaultLimit = 100
    static let maximumLimit = 1000

    /// One instance's part: its clients after `cursor`, in order, at most `limit`.
    static func select<Item>(
        _ items: [(position: ClientPosition, item: Item)], after cursor: ClientPosition?, limit: Int
    ) -> (items: [(position: ClientPosition, item: Item)], more: Bool) {
        let after = items.filter { cursor == nil || $0.position > cursor! }.sorted { $0.position < $1.position }
        return (Array(after.prefix(limit)), after.count > limit)
    }

    /// The page from every instance's part: the first `limit` overall, and the cursor of
    /// the next page (the last client's position) when anything is left.
    static func merge<Item>(
        _ parts: [(items: [(position: ClientPosition, item: Item)], more: Bool)], limit: Int
    ) -> (items: [(position: ClientPosition, item: Item)], next: ClientPosition?) {
        let all = parts.flatMap(\.items).sorted { $0.position < $1.position }
        let page = Array(all.prefix(limit))
        let more = all.count > limit || parts.contains(where: \.more)
        return (page, more ? page.last?.position : nil)
    }
}

extension ClientPosition {
    /// The client id this position stands for (`c_<instance>_<hex>`), as `next_cursor`.
    var clientID: String { ClientInfo.clientID(counter, instance: instance) }
}
