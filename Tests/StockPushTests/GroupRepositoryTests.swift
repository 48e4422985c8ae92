import Postgres
import TestSupport
import Testing

@testable import StockPush

/// The SQL of user groups against a real, migrated PostgreSQL: counts, paging,
/// idempotent member changes, the cascade, and the migration's own checks.
@Suite struct GroupRepositoryTests {
    @Test func createsListsAndRefusesADuplicate() throws {
        let connection = try PostgresConnection.connect(TestEnvironment.migratedDatabase())
        defer { connection.close() }
        let created = try #require(try GroupRepository.create(connection, name: "traders", description: "Desk"))
        #expect(created.name == "traders" && created.description == "Desk" && created.members == 0)
        #expect(created.createdAt > 1_700_000_000)
        #expect(try GroupRepository.create(connection, name: "traders", description: "again") == nil)
        _ = try GroupRepository.create(connection, name: "alpha", description: "")
        #expect(try GroupRepository.list(connection).map(\.name) == ["alpha", "traders"])
        #expect(try GroupRepository.find(connection, name: "nobody") == nil)
    }

    @Test func membersAreAddedOnceRemovedAndFoundByUser() throws {
        let connection = try PostgresConnection.connect(TestEnvironment.migratedDatabase())
        defer { connection.close() }
        _ = try GroupRepository.create(connection, name: "a", description: "")
        _ = try GroupRepository.create(connection, name: "b", description: "")
        let odd = #"we"ird\user,{x}"#
        #expect(try GroupRepository.add(connection, name: "a", users: ["u1", odd]) == GroupChange(changed: 2, members: 2))
        #expect(try GroupRepository.add(connection, name: "a", users: ["u1", "u2"]) == GroupChange(changed: 1, members: 3))
        #expect(try GroupRepository.add(connection, name: "b", users: [odd]) == GroupChange(changed: 1, members: 1))
        #expect(try GroupRepository.add(connection, name: "zz", users: ["u1"]) == nil)
        #expect(try GroupRepository.list(connection, user: odd).map(\.name) == ["a", "b"])
        #expect(try GroupRepository.list(connection, user: "u2").map { [$0.name: $0.members] } == [["a": 3]])
        #expect(try GroupRepository.remove(connection, name: "a", users: [odd, "ghost"]) == GroupChange(changed: 1, members: 2))
        #expect(try GroupRepository.remove(connection, name: "zz", users: ["u1"]) == nil)
        #expect(try GroupRepository.list(connection, user: odd).map(\.name) == ["b"])
    }

    @Test func membersArePagedInUserOrderAndEveryoneIsListedOnce() throws {
        let connection = try PostgresConnection.connect(TestEnvironment.migratedDatabase())
        defer { connection.close() }
        _ = try GroupRepository.create(connection, name: "big", description: "")
        let users = (0..<25).map { "user\($0)" }
        _ = try GroupRepository.add(connection, name: "big", users: users)
        var seen: [String] = []
        var cursor = ""
        var pages = 0
        while true {
            let page = try #require(try GroupRepository.members(connection, name: "big", after: cursor, limit: 10))
            #expect(page.group.members == 25)
            seen += page.members.map(\.user)
            pages += 1
            guard let next = page.nextCursor else { break }
            cursor = next
        }
        #expect(pages == 3 && seen == users.sorted())
        #expect(try GroupRepository.members(connection, name: "none", after: "", limit: 10) == nil)
    }

    @Test func deletingAGroupRemovesItsMembers() throws {
        let connection = try PostgresConnection.connect(TestEnvironment.migratedDatabase())
        defer { connection.close() }
        _ = try GroupRepository.create(connection, name: "gone", description: "")
        _ = try GroupRepository.add(connection, name: "gone", users: ["u1", "u2"])
        #expect(try GroupRepository.delete(connection, name: "gone")?.members == 2)
        #expect(try GroupRepository.delete(connection, name: "gone") == nil)
        let left = try connection.query("SELECT count(*)::int AS n FROM user_group_members")[0].decode("n", as: Int.self)
        #expect(left == 0)
        #expect(try GroupRepository.list(connection, user: "u1").isEmpty)
    }

    /// The table refuses what the API refuses, so a direct insert cannot bypass the rules.
    @Test func theMigrationChecksNamesAndUsers() throws {
        let connection = try PostgresConnection.connect(TestEnvironment.migratedDatabase())
        defer { connection.close() }
        for bad in ["", "Upper", "-lead", "has space", String(repeating: "a", count: 65)] {
            #expect(throws: PostgresError.self) {
                try connection.execute("INSERT INTO user_groups (name) VALUES ($1)", [.text(bad)])
            }
            #expect(!GroupRepository.isValidName(bad))
        }
        for good in ["a", "desk_1", "night-shift", String(repeating: "z", count: 64)] {
            #expect(GroupRepository.isValidName(good))
        }
        try connection.execute("INSERT INTO user_groups (name) VALUES ('g')")
        for bad in ["", "tab\there", String(repeating: "u", count: 257)] {
            #expect(throws: PostgresError.self) {
                try connection.execute("INSERT INTO user_group_members (group_name, user_id) VALUES ('g', $1)", [.text(bad)])
            }
            #expect(!GroupRepository.isValidUser(bad))
        }
        #expect(GroupRepository.isValidUser("auth0|5f/x@example.com"))
    }
}
