import Postgres
import TestSupport

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
}
