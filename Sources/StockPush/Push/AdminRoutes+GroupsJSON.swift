import HTTP1
import JSON
import Server

/// Request bodies and answers of the group routes (`AdminRoutes+Groups`).
extension AdminRoutes {
    /// A 400 the group routes answer, with its error code.
    struct GroupInputError: Error {
        let code: String
        let message: String

        var response: HTTPResponse { .error(.badRequest, code: code, message: message) }
    }

    /// The `{name}` path parameter, or a 400 already answered.
    static func groupName(_ requestContext: RequestContext, _ responder: HTTPResponder) -> String? {
        let name = requestContext.parameters["name"] ?? ""
        guard GroupRepository.isValidName(name) else {
            responder.complete(invalidGroupName(name))
            return nil
        }
        return name
    }

    static func invalidGroupName(_ name: String) -> HTTPResponse {
        .error(.badRequest, code: "invalid_group_name", message: invalidGroupNameMessage(name))
    }

    static func invalidUser(_ user: String) -> HTTPResponse {
        .error(.badRequest, code: "invalid_user", message: "a user id is 1-256 bytes without control characters")
    }

    static func invalidParameter(_ message: String) -> HTTPResponse {
        .error(.badRequest, code: "invalid_parameter", message: message)
    }

    static func unknownGroup(_ name: String) -> HTTPResponse {
        .error(.notFound, code: "not_found", message: "no group \(name)")
    }

    /// `{"name":"...","description":"..."}`; `description` optional (default empty).
    static func parseNewGroup(_ body: [UInt8]) -> Result<(name: String, description: String), GroupInputError> {
        guard let object = (try? JSONParser.parse(body))?.objectValue else {
            return .failure(GroupInputError(code: "invalid_json", message: "the body must be a JSON object"))
        }
        var name: String?
        var description = ""
        for (key, value) in object {
            switch key {
            case "name":
                guard let text = value.stringValue, GroupRepository.isValidName(text) else {
                    return .failure(
                        GroupInputError(code: "invalid_group_name", message: invalidGroupNameMessage(value.stringValue)))
                }
                name = text
            case "description":
                guard let text = value.stringValue, text.count <= GroupRepository.maxDescriptionCharacters else {
                    return .failure(
                        GroupInputError(
                            code: "invalid_description", message: "description must be a string of up to 1000 characters"))
                }
                description = text
            default:
                return .failure(GroupInputError(code: "invalid_field", message: "unknown field \(key); use name and description"))
            }
        }
        guard let name else { return .failure(GroupInputError(code: "invalid_group_name", message: "name is required")) }
        return .success((name, description))
    }

    private static func invalidGroupNameMessage(_ name: String?) -> String {
        let shown = name.map { "'\($0)'" } ?? "name"
        return "group name \(shown) must be 1-64 of a-z, 0-9, '_' and '-', starting with a letter or digit"
    }

    /// `{"users":["<sub>",...]}` with 1–1000 valid ids (duplicates count once).
    static func parseUsers(_ body: [UInt8]) -> Result<[String], GroupInputError> {
        guard let object = (try? JSONParser.parse(body))?.objectValue else {
            return .failure(GroupInputError(code: "invalid_json", message: "the body must be a JSON object"))
        }
        guard object.count == 1, object[0].key == "users", let items = object[0].value.arrayValue else {
            return .failure(GroupInputError(code: "invalid_users", message: #"the body must be {"users":["<user id>",...]}"#))
        }
        guard (1...1000).contains(items.count) else {
            return .failure(GroupInputError(code: "invalid_users", message: "users must hold 1 to 1000 user ids"))
        }
        var users: [String] = []
        var seen = Set<String>()
        for item in items {
            guard let user = item.stringValue, GroupRepository.isValidUser(user) else {
                return .failure(
                    GroupInputError(code: "invalid_user", message: "a user id is 1-256 bytes without control characters"))
            }
            if seen.insert(user).inserted { users.append(user) }
        }
        return .success(users)
    }

    static func groupJSON(_ group: UserGroup) -> JSONWriter {
        var writer = JSONWriter()
        writeGroup(&writer, group)
        return writer
    }

    /// `{"name","description","created_at","members"}`.
    static func writeGroup(_ writer: inout JSONWriter, _ group: UserGroup) {
        writer.beginObject()
        writer.key("name")
        writer.string(group.name)
        writer.key("description")
        writer.string(group.description)
        writer.key("created_at")
        writer.double(group.createdAt)
        writer.key("members")
        writer.int(group.members)
        writer.endObject()
    }

    /// `{"group","count","total","members":[{"user","added_at"}],"next_cursor"}`.
    static func memberPageJSON(_ page: GroupMemberPage) -> JSONWriter {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("group")
        writer.string(page.group.name)
        writer.key("count")
        writer.int(page.members.count)
        writer.key("total")
        writer.int(page.group.members)
        writer.key("members")
        writer.beginArray()
        for member in page.members {
            writer.beginObject()
            writer.key("user")
            writer.string(member.user)
            writer.key("added_at")
            writer.double(member.addedAt)
            writer.endObject()
        }
        writer.endArray()
        writer.key("next_cursor")
        if let next = page.nextCursor { writer.string(next) } else { writer.null() }
        writer.endObject()
        return writer
    }

    /// `{"group","added"|"removed","members"}`.
    static func changeJSON(_ name: String, _ field: StaticString, _ change: GroupChange) -> JSONWriter {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("group")
        writer.string(name)
        writer.key(field)
        writer.int(change.changed)
        writer.key("members")
        writer.int(change.members)
        writer.endObject()
        return writer
    }
}
