import Postgres

/// A user group as the admin API shows it; `createdAt` in epoch seconds.
public struct UserGroup: Sendable, Equatable {
    public let name: String
    public let description: String
    public let createdAt: Double
    public let members: Int
}

/// One member of a group; `addedAt` in epoch seconds.
public struct GroupMember: Sendable, Equatable {
    public let user: String
    public let addedAt: Double
}

/// A page of a group's members, ordered by user id; `nextCursor` nil on the last page.
public struct GroupMemberPage: Sendable, Equatable {
    public let group: UserGroup
    public let members: [GroupMember]
    public let nextCursor: String?
}

/// What a member change did: how many rows changed, and the group's size after it.
public struct GroupChange: Sendable, Equatable {
    public let changed: Int
    public let members: Int
}

/// The SQL of `user_groups` and `user_group_members` (migration 0004). Blocking, so it
/// runs on a `DatabaseWorker`, never on a loop. An unknown group is a nil answer (the
/// API's 404), not an error; only the database's own failures throw.
enum GroupRepository {
    static let maxNameBytes = 64
    static let maxUserBytes = 256
    static let maxDescriptionCharacters = 1000

    /// The migration's check, `^[a-z0-9][a-z0-9_-]{0,63}$`, before any query.
    static func isValidName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, bytes.count <= maxNameBytes, isLowerAlphanumeric(first) else { return false }
        return bytes.allSatisfy { isLowerAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    /// A JWT `sub`: non-empty, at most 256 bytes, no control characters.
    static func isValidUser(_ user: String) -> Bool {
        !user.isEmpty && user.utf8.count <= maxUserBytes
            && !user.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
    }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static let groupColumns = """
        SELECT g.name, g.description, extract(epoch FROM g.created_at)::float8 AS created_at,
               (SELECT count(*) FROM user_group_members m WHERE m.group_name = g.name)::int AS members
        FROM user_groups g
        """

    /// Every group by name, or (with `user`) only the groups that user is in.
    static func list(_ connection: PostgresConnection, user: String? = nil) throws(PostgresError) -> [UserGroup] {
        guard let user else { return try groups(connection.query(groupColumns + " ORDER BY g.name")) }
        return try groups(
            connection.query(
                groupColumns
                    + " WHERE g.name IN (SELECT group_name FROM user_group_members WHERE user_id = $1) ORDER BY g.name",
                [.text(user)]))
    }

    static func find(_ connection: PostgresConnection, name: String) throws(PostgresError) -> UserGroup? {
        try groups(connection.query(groupColumns + " WHERE g.name = $1", [.text(name)])).first
    }

    /// The new group, or nil when one of that name exists.
    static func create(
        _ connection: PostgresConnection, name: String, description: String
    ) throws(PostgresError) -> UserGroup? {
        let inserted = try connection.execute(
            "INSERT INTO user_groups (name, description) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
            [.text(name), .text(description)])
        guard inserted == 1 else { return nil }
        return try find(connection, name: name)
    }

    /// The deleted group as it was (with the members its deletion removed), nil if unknown.
    static func delete(_ connection: PostgresConnection, name: String) throws(PostgresError) -> UserGroup? {
        // The CTE's SELECT sees the rows as they were before the DELETE: the count is the members removed.
        try groups(
            connection.query(
                """
                WITH gone AS (DELETE FROM user_groups WHERE name = $1 RETURNING name, description, created_at)
                SELECT g.name, g.description, extract(epoch FROM g.created_at)::float8 AS created_at,
                       (SELECT count(*) FROM user_group_members m WHERE m.group_name = g.name)::int AS members
                FROM gone g
                """, [.text(name)])
        ).first
    }

    /// Up to `limit` members with ids after `cursor` ("" from the start); nil if no such group.
    static func members(
        _ connection: PostgresConnection, name: String, after cursor: String, limit: Int
    ) throws(PostgresError) -> GroupMemberPage? {
        guard let group = try find(connection, name: name) else { return nil }
        let rows = try connection.query(
            """
            SELECT user_id, extract(epoch FROM added_at)::float8 AS added_at FROM user_group_members
            WHERE group_name = $1 AND user_id COLLATE "C" > $2 ORDER BY user_id COLLATE "C" LIMIT $3
            """, [.text(name), .text(cursor), .int(limit + 1)])
        var members: [GroupMember] = []
        for row in rows.prefix(limit) {
            members.append(GroupMember(user: try row.decode("user_id"), addedAt: try row.decode("added_at")))
        }
        let next = rows.count > limit ? members.last?.user : nil
        return GroupMemberPage(group: group, members: members, nextCursor: next)
    }

    /// Adds the users not yet in the group; nil if no such group.
    static func add(
        _ connection: PostgresConnection, name: String, users: [String]
    ) throws(PostgresError) -> GroupChange? {
        guard try find(connection, name: name) != nil else { return nil }
        let added: Int
        do {
            added = try connection.execute(
                """
                INSERT INTO user_group_members (group_name, user_id)
                SELECT $1, u FROM unnest($2::text[]) AS u ON CONFLICT DO NOTHING
                """, [.text(name), .text(textArray(users))])
        } catch .queryFailed(let sqlState, _, _, _) where sqlState == "23503" {
            return nil  // deleted between the check and the insert
        }
        return GroupChange(changed: added, members: try memberCount(connection, name: name))
    }

    /// Removes those of the users who are members; nil if no such group.
    static func remove(
        _ connection: PostgresConnection, name: String, users: [String]
    ) throws(PostgresError) -> GroupChange? {
        guard try find(connection, name: name) != nil else { return nil }
        let removed = try connection.execute(
            "DELETE FROM user_group_members WHERE group_name = $1 AND user_id = ANY($2::text[])",
            [.text(name), .text(textArray(users))])
        return GroupChange(changed: removed, members: try memberCount(connection, name: name))
    }

    private static func memberCount(_ connection: PostgresConnection, name: String) throws(PostgresError) -> Int {
        try connection.query("SELECT count(*)::int AS n FROM user_group_members WHERE group_name = $1", [.text(name)])[0]
            .decode("n")
    }

    /// A text[] literal: every element double-quoted, `"` and `\` escaped (ids have no
    /// control characters; the value travels as a parameter, never in the SQL).
    static func textArray(_ values: [String]) -> String {
        var literal = "{"
        for (index, value) in values.enumerated() {
            if index > 0 { literal += "," }
            literal += "\""
            for character in value.unicodeScalars {
                if character == "\"" || character == "\\" { literal += "\\" }
                literal.unicodeScalars.append(character)
            }
            literal += "\""
        }
        return literal + "}"
    }

    private static func groups(_ rows: PostgresRows) throws(PostgresError) -> [UserGroup] {
        var groups: [UserGroup] = []
        for row in rows {
            groups.append(
                UserGroup(
                    name: try row.decode("name"), description: try row.decode("description"),
                    createdAt: try row.decode("created_at"), members: try row.decode("members")))
        }
        return groups
    }
}
