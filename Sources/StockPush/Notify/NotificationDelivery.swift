import JSON
import Reactor

/// A notification on its way to live connections, as the `notify` control message
/// carries it to every instance: the body encoded once, and each recipient's queue id.
/// `{"body":"<members>","deliveries":[["alice","1733400000000-0"],…]}`.
struct NotificationDelivery: Sendable, Equatable {
    var body: [UInt8]
    var deliveries: [(user: String, id: String)]

    init(body: [UInt8], deliveries: [(user: String, id: String)]) {
        self.body = body
        self.deliveries = deliveries
    }

    /// Malformed parts are skipped: a control message comes from another instance.
    init(body json: JSONValue) {
        body = Array((json["body"]?.stringValue ?? "").utf8)
        deliveries = (json["deliveries"]?.arrayValue ?? []).compactMap { pair in
            guard let parts = pair.arrayValue, parts.count == 2, let user = parts[0].stringValue,
                let id = parts[1].stringValue
            else { return nil }
            return (user, id)
        }
    }

    var json: JSONValue {
        .object([
            ("body", .string(String(decoding: body, as: UTF8.self))),
            ("deliveries", .array(deliveries.map { .array([.string($0.user), .string($0.id)]) })),
        ])
    }

    static func == (a: Self, b: Self) -> Bool {
        a.body == b.body && a.deliveries.elementsEqual(b.deliveries) { $0.user == $1.user && $0.id == $1.id }
    }
}

extension LocalAdmin {
    /// `{"connections":N,"users":[…]}`: how many connections here the notification
    /// reached, and whose.
    func notify(_ delivery: NotificationDelivery, _ completion: @escaping @Sendable (JSONValue) -> Void) {
        ClusterQuery.gather(
            loops(),
            { loop -> (Int, [String]) in
                guard let notify = loop.attached(LoopNotify.self) else { return (0, []) }
                var connections = 0
                var users: [String] = []
                for item in delivery.deliveries {
                    let reached = notify.deliver(user: item.user, id: item.id, body: delivery.body)
                    if reached > 0 {
                        connections += reached
                        users.append(item.user)
                    }
                }
                return (connections, users)
            }
        ) { parts in
            let users = Set(parts.flatMap(\.1)).sorted()
            completion(
                .object([
                    ("connections", .number(Double(parts.reduce(0) { $0 + $1.0 }))),
                    ("users", .array(users.map { .string($0) })),
                ]))
        }
    }
}
