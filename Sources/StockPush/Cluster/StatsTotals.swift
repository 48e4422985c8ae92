import JSON

/// One instance's counts in a stats reply, and their sum over the instances that
/// answered (each instance counted once: the replies are already one per instance).
struct StatsTotals: Sendable, Equatable {
    var connections = 0
    var opened = 0
    var messages = 0
    var messagesPerSecond = 0
    var subscriptions: [String: Int] = [:]
    var users: [String: Int] = [:]
    /// Per user, the instances holding its connections and how many each (sums only).
    var usersByInstance: [String: [String: Int]] = [:]

    init() {}

    /// A stats reply's `stats` object.
    var body: JSONValue {
        .object([
            ("connections", .number(Double(connections))), ("opened", .number(Double(opened))),
            ("messages", .number(Double(messages))), ("messages_per_second", .number(Double(messagesPerSecond))),
            ("subscriptions", Self.object(subscriptions)), ("users", Self.object(users)),
        ])
    }

    /// Reads a reply's `stats`; what is missing counts as zero.
    init(body: JSONValue) {
        connections = body["connections"]?.intValue ?? 0
        opened = body["opened"]?.intValue ?? 0
        messages = body["messages"]?.intValue ?? 0
        messagesPerSecond = body["messages_per_second"]?.intValue ?? 0
        subscriptions = Self.counts(body["subscriptions"])
        users = Self.counts(body["users"])
    }

    /// The cluster's totals from one `StatsTotals` per instance.
    static func sum(_ parts: [(instance: String, stats: StatsTotals)]) -> StatsTotals {
        var total = StatsTotals()
        for (instance, part) in parts {
            total.connections += part.connections
            total.opened += part.opened
            total.messages += part.messages
            total.messagesPerSecond += part.messagesPerSecond
            total.subscriptions.merge(part.subscriptions, uniquingKeysWith: +)
            total.users.merge(part.users, uniquingKeysWith: +)
            for (user, count) in part.users { total.usersByInstance[user, default: [:]][instance] = count }
        }
        return total
    }

    static func object(_ counts: [String: Int]) -> JSONValue {
        .object(counts.sorted { $0.key < $1.key }.map { (key: $0.key, value: .number(Double($0.value))) })
    }

    private static func counts(_ value: JSONValue?) -> [String: Int] {
        var counts: [String: Int] = [:]
        for (key, value) in value?.objectValue ?? [] {
            if let count = value.intValue { counts[key, default: 0] += count }
        }
        return counts
    }
}
