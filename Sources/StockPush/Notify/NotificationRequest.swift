import JSON

/// Who a notification is for.
public enum NotificationTarget: Sendable, Equatable {
    case users([String])
    case group(String)
    case everyone
}

/// A `POST /api/notifications` body, checked: exactly one target (`user`, `users`,
/// `group` or `"all":true`), a title, optional `content` (default empty), `type`, `link`,
/// `source`.
public struct NotificationRequest: Sendable, Equatable {
    public var target: NotificationTarget
    public var title: String
    public var content: String
    public var kind: String
    public var link: String?
    public var source: String

    /// Limits that keep one request from filling a user's queue with megabytes.
    public static let maxTitle = 200
    public static let maxContent = 4000
    public static let maxLink = 2000
    public static let maxUsers = 1000

    /// Why a body is refused; `field` names what to fix.
    public struct Invalid: Error, Equatable, Sendable, CustomStringConvertible {
        public let field: String
        public let reason: String
        public var description: String { "\(field): \(reason)" }
    }

    public init(json value: JSONValue) throws(Invalid) {
        guard value.objectValue != nil else { throw Invalid(field: "body", reason: "must be a JSON object") }
        target = try Self.target(of: value)
        title = try Self.text(value, "title", required: true, max: Self.maxTitle) ?? ""
        content = try Self.text(value, "content", required: false, max: Self.maxContent) ?? ""
        kind = try Self.text(value, "type", required: false, max: 32) ?? "info"
        link = try Self.text(value, "link", required: false, max: Self.maxLink)
        source = try Self.text(value, "source", required: false, max: 64) ?? "system"
    }

    /// The notification as sent at `now` (µs since the epoch).
    public func notification(at now: Int64) -> Notification {
        Notification(title: title, content: content, kind: kind, link: link, source: source, createdAt: now)
    }

    private static func target(of value: JSONValue) throws(Invalid) -> NotificationTarget {
        var targets: [NotificationTarget] = []
        if let user = value["user"] {
            guard let name = user.stringValue, GroupRepository.isValidUser(name) else {
                throw Invalid(field: "user", reason: "must be a user id (1-256 bytes, no control characters)")
            }
            targets.append(.users([name]))
        }
        if let users = value["users"] {
            guard let list = users.arrayValue, !list.isEmpty, list.count <= maxUsers else {
                throw Invalid(field: "users", reason: "must be a list of 1 to \(maxUsers) user ids")
            }
            var names: [String] = []
            var seen = Set<String>()
            for item in list {
                guard let name = item.stringValue, GroupRepository.isValidUser(name) else {
                    throw Invalid(field: "users", reason: "must hold user ids")
                }
                if seen.insert(name).inserted { names.append(name) }
            }
            targets.append(.users(names))
        }
        if let group = value["group"] {
            guard let name = group.stringValue, GroupRepository.isValidName(name) else {
                throw Invalid(field: "group", reason: "must be a group name")
            }
            targets.append(.group(name))
        }
        if let all = value["all"] {
            guard all == .bool(true) else { throw Invalid(field: "all", reason: "must be true when present") }
            targets.append(.everyone)
        }
        guard targets.count == 1 else {
            throw Invalid(field: "target", reason: "give exactly one of user, users, group or \"all\":true")
        }
        return targets[0]
    }

    private static func text(_ value: JSONValue, _ field: String, required: Bool, max: Int) throws(Invalid) -> String? {
        guard let member = value[field], !member.isNull else {
            if required { throw Invalid(field: field, reason: "is required") }
            return nil
        }
        guard let text = member.stringValue else { throw Invalid(field: field, reason: "must be a string") }
        guard !(required && text.isEmpty) else { throw Invalid(field: field, reason: "must not be empty") }
        guard text.unicodeScalars.count <= max else { throw Invalid(field: field, reason: "longer than \(max) characters") }
        return text
    }
}
