import JSON

/// The client list's query: `limit`, `cursor`, and the filters `user`, `instance` and
/// `subscription` (`strategy:volume_wave`, or a bare target such as `AAPL` of any type).
struct ClientFilter: Sendable, Equatable {
    var user: String?
    var instance: String?
    var subscription: String?
    var limit = ClientPage.defaultLimit
    var cursor: ClientPosition?

    /// Why a client-list query was refused (400 with this message).
    enum QueryError: Error, Equatable {
        case invalid(String)
    }

    init() {}

    init(query items: [(name: String, value: String)]) throws(QueryError) {
        for (name, value) in items {
            switch name {
            case "user": user = value
            case "instance": instance = value
            case "subscription": subscription = value
            case "limit":
                guard let number = Int(value), (1...ClientPage.maximumLimit).contains(number) else {
                    throw .invalid("limit must be 1 to \(ClientPage.maximumLimit)")
                }
                limit = number
            case "cursor":
                guard !value.isEmpty else { continue }
                guard let position = ClientPosition(clientID: value) else {
                    throw .invalid("cursor must be a next_cursor of an earlier page")
                }
                cursor = position
            default:
                throw .invalid("unknown parameter \(name); use limit, cursor, user, instance or subscription")
            }
        }
    }

    /// The filter as a control request's body, for the other instances.
    var body: JSONValue {
        var pairs: [(key: String, value: JSONValue)] = [("limit", .number(Double(limit)))]
        if let cursor { pairs.append(("cursor", .string(cursor.clientID))) }
        if let user { pairs.append(("user", .string(user))) }
        if let instance { pairs.append(("instance", .string(instance))) }
        if let subscription { pairs.append(("subscription", .string(subscription))) }
        return .object(pairs)
    }

    /// The filter a control request carries; what does not read as one is left out.
    init(body: JSONValue) {
        user = body["user"]?.stringValue
        instance = body["instance"]?.stringValue
        subscription = body["subscription"]?.stringValue
        limit = min(max(body["limit"]?.intValue ?? ClientPage.defaultLimit, 1), ClientPage.maximumLimit)
        cursor = body["cursor"]?.stringValue.flatMap(ClientPosition.init(clientID:))
    }

    /// Whether a client held by `instance` passes the filters.
    func matches(user clientUser: String, instance clientInstance: String, subscriptions: [String]) -> Bool {
        if let user, user != clientUser { return false }
        if let instance, instance != clientInstance { return false }
        if let subscription {
            let wanted = subscription.contains(":")
            guard
                subscriptions.contains(where: { key in
                    wanted ? key == subscription : key.split(separator: ":", maxSplits: 1).last.map(String.init) == subscription
                })
            else { return false }
        }
        return true
    }
}
