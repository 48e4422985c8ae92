import Postgres
import TestSupport

@testable import StockPush

extension TestEnvironment {
    /// A new empty database on the shared test server; its URL.
    static func freshDatabase() throws -> PostgresURL {
        let base = try databaseURL
        let admin = try PostgresConnection.connect(PostgresURL(base))
        defer { admin.close() }
        let name = uniqueName("t")
        try admin.executeScript("CREATE DATABASE \(name)")
        guard let slash = base.lastIndex(of: "/") else { throw PostgresError.invalidURL("no database in \(base)") }
        return try PostgresURL(String(base[...slash]) + name)
    }

    /// A fresh database with every migration applied (the catalog seeded).
    static func migratedDatabase() throws -> PostgresURL {
        let url = try freshDatabase()
        let connection = try PostgresConnection.connect(url)
        defer { connection.close() }
        try Migrator(directory: migrationsDirectory).migrate(connection) { _ in }
        return url
    }
}
