import HTTP1
import JSON
import Postgres
import Server

/// The admin routes of user groups (`user_groups`, migration 0004): list, create, show,
/// delete, page through members, add and remove members. Every query runs on the
/// `DatabaseWorker` (libpq blocks; these handlers run on loops), and every change that
/// changed something writes one audit row.
extension AdminRoutes {
    static func installGroups(_ add: AddRoute) {
        add(.get, "/api/groups") { request, _, responder, context in listGroups(request, responder, context) }
        add(.post, "/api/groups") { request, _, responder, context in createGroup(request, responder, context) }
        add(.get, "/api/groups/{name}") { _, requestContext, responder, context in
            guard let name = groupName(requestContext, responder) else { return }
            query(context, responder, { connection throws(PostgresError) in try GroupRepository.find(connection, name: name) }) {
                group in
                group.map { .json(.ok, groupJSON($0)) } ?? unknownGroup(name)
            }
        }
        add(.delete, "/api/groups/{name}") { _, requestContext, responder, context in
            guard let name = groupName(requestContext, responder) else { return }
            deleteGroup(name, responder, context)
        }
        add(.get, "/api/groups/{name}/members") { request, requestContext, responder, context in
            guard let name = groupName(requestContext, responder) else { return }
            members(name, request, responder, context)
        }
        add(.post, "/api/groups/{name}/members") { request, requestContext, responder, context in
            guard let name = groupName(requestContext, responder) else { return }
            addMembers(name, request, responder, context)
        }
        add(.delete, "/api/groups/{name}/members") { request, requestContext, responder, context in
            guard let name = groupName(requestContext, responder) else { return }
            removeMembers(name, request, responder, context)
        }
    }

    /// `?user=X` lists only the groups X is in.
    static func listGroups(_ request: HTTPRequest, _ responder: HTTPResponder, _ context: Context) {
        var user: String?
        for item in request.queryItems {
            guard item.name == "user", user == nil else {
                return responder.complete(invalidParameter("unknown or repeated parameter \(item.name); use user"))
            }
            guard GroupRepository.isValidUser(item.value) else { return responder.complete(invalidUser(item.value)) }
            user = item.value
        }
        let filter = user
        query(context, responder, { connection throws(PostgresError) in try GroupRepository.list(connection, user: filter) }) {
            groups in
            var writer = JSONWriter()
            writer.beginObject()
            writer.key("count")
            writer.int(groups.count)
            writer.key("groups")
            writer.beginArray()
            for group in groups { writeGroup(&writer, group) }
            writer.endArray()
            writer.endObject()
            return .json(.ok, writer)
        }
    }

    static func createGroup(_ request: HTTPRequest, _ responder: HTTPResponder, _ context: Context) {
        let parsed: (name: String, description: String)
        switch parseNewGroup(request.body) {
        case .success(let value): parsed = value
        case .failure(let error): return responder.complete(error.response)
        }
        query(
            context, responder,
            { connection throws(PostgresError) in
                try GroupRepository.create(connection, name: parsed.name, description: parsed.description)
            }
        ) {
            group in
            guard let group else {
                return .error(.conflict, code: "group_exists", message: "a group named \(parsed.name) exists")
            }
            var detail = AuditDetail()
            detail.add("group", text: group.name)
            detail.add("description", text: group.description)
            context.audit?.record("group_create", detail: detail.json())
            return .json(.created, groupJSON(group))
        }
    }

    static func deleteGroup(_ name: String, _ responder: HTTPResponder, _ context: Context) {
        query(context, responder, { connection throws(PostgresError) in try GroupRepository.delete(connection, name: name) }) {
            group in
            guard let group else { return unknownGroup(name) }
            var detail = AuditDetail()
            detail.add("group", text: group.name)
            detail.add("members", group.members)
            context.audit?.record("group_delete", detail: detail.json())
            var writer = JSONWriter()
            writer.beginObject()
            writer.key("deleted")
            writer.bool(true)
            writer.key("group")
            writeGroup(&writer, group)
            writer.endObject()
            return .json(.ok, writer)
        }
    }

    /// `limit` (1–1000, default 100) and `cursor` (the previous page's `next_cursor`).
    static func members(_ name: String, _ request: HTTPRequest, _ responder: HTTPResponder, _ context: Context) {
        var limit = 100
        var cursor = ""
        for item in request.queryItems {
            switch item.name {
            case "limit":
                guard let value = Int(item.value), (1...1000).contains(value) else {
                    return responder.complete(invalidParameter("limit must be a whole number from 1 to 1000"))
                }
                limit = value
            case "cursor":
                guard GroupRepository.isValidUser(item.value) else {
                    return responder.complete(invalidParameter("cursor must be a next_cursor of a previous page"))
                }
                cursor = item.value
            default:
                return responder.complete(invalidParameter("unknown parameter \(item.name); use limit or cursor"))
            }
        }
        let (after, pageSize) = (cursor, limit)
        query(
            context, responder,
            { connection throws(PostgresError) in
                try GroupRepository.members(connection, name: name, after: after, limit: pageSize)
            }
        ) { page in
            guard let page else { return unknownGroup(name) }
            return .json(.ok, memberPageJSON(page))
        }
    }

    /// Body `{"users":["<sub>",...]}` (1–1000 ids); users already in the group are kept.
    static func addMembers(_ name: String, _ request: HTTPRequest, _ responder: HTTPResponder, _ context: Context) {
        let users: [String]
        switch parseUsers(request.body) {
        case .success(let value): users = value
        case .failure(let error): return responder.complete(error.response)
        }
        changeMembers(name, users, .add, responder, context)
    }

    /// `?user=A&user=B` (1–1000); users not in the group are ignored.
    static func removeMembers(_ name: String, _ request: HTTPRequest, _ responder: HTTPResponder, _ context: Context) {
        var users: [String] = []
        for item in request.queryItems {
            guard item.name == "user" else {
                return responder.complete(invalidParameter("unknown parameter \(item.name); use user (repeated)"))
            }
            guard GroupRepository.isValidUser(item.value) else { return responder.complete(invalidUser(item.value)) }
            users.append(item.value)
        }
        guard (1...1000).contains(users.count) else {
            return responder.complete(invalidParameter("name 1 to 1000 users to remove with ?user=<id>"))
        }
        changeMembers(name, users, .remove, responder, context)
    }

    private enum MembershipChange {
        case add
        case remove
    }

    /// Adds or removes `users` on the worker; answers with the count changed, one audit
    /// row when something did.
    private static func changeMembers(
        _ name: String, _ users: [String], _ kind: MembershipChange, _ responder: HTTPResponder, _ context: Context
    ) {
        query(
            context, responder,
            { connection throws(PostgresError) in
                switch kind {
                case .add: try GroupRepository.add(connection, name: name, users: users)
                case .remove: try GroupRepository.remove(connection, name: name, users: users)
                }
            }
        ) { change in
            guard let change else { return unknownGroup(name) }
            auditMembers(kind == .add ? "group_members_add" : "group_members_remove", name, users, change, context)
            return .json(.ok, changeJSON(name, kind == .add ? "added" : "removed", change))
        }
    }

    /// One audit row when the request changed membership (a repeat that changed nothing writes none).
    private static func auditMembers(
        _ action: String, _ name: String, _ users: [String], _ change: GroupChange, _ context: Context
    ) {
        guard change.changed > 0 else { return }
        var detail = AuditDetail()
        detail.add("group", text: name)
        detail.add("users", list: users)
        detail.add("changed", change.changed)
        detail.add("members", change.members)
        context.audit?.record(action, detail: detail.json())
    }

    /// Runs `work` on the database worker and answers with `answer` of its value, or 503
    /// (PostgreSQL unreachable, the worker busy) / 500 (the statement failed).
    static func query<R: Sendable>(
        _ context: Context, _ responder: HTTPResponder,
        _ work: @escaping @Sendable (PostgresConnection) throws(PostgresError) -> R,
        answer: @escaping @Sendable (R) -> HTTPResponse
    ) {
        guard let database = context.database else {
            return responder.complete(
                .error(.serviceUnavailable, code: "database_unavailable", message: "this server runs without PostgreSQL"))
        }
        database.submit(work) { result in
            switch result {
            case .success(let value):
                responder.complete(answer(value))
            case .failure(.failed(let error)):
                context.shared.adminLogger.error("groups: \(error)")
                responder.complete(.error(.internalServerError, code: "database_error", message: "the query failed"))
            case .failure(let error):
                responder.complete(.error(.serviceUnavailable, code: "database_unavailable", message: "\(error)"))
            }
        }
    }
}
