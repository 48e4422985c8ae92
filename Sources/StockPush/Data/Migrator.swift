import Foundation
import Postgres

/// Applies `migrations/*.sql` to PostgreSQL: each pending file in its own transaction,
/// recorded with its checksum in `schema_migrations`. Safe to run again (applies
/// nothing), and safe to run from several instances at once (an advisory lock
/// serializes them).
public struct Migrator {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// Reads the migration files (cold path, so Foundation's file APIs are fine here).
    public func loadFiles() throws(MigrationError) -> [Migration] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isFolder), isFolder.boolValue else {
            throw .folderNotFound(absolutePath: URL(fileURLWithPath: directory).standardizedFileURL.path)
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw .unreadable("\(directory): \(error.localizedDescription)")
        }
        var files: [Migration] = []
        for fileName in names.sorted() {
            guard let (version, name) = Migration.parseFileName(fileName) else { continue }
            let path = (directory as NSString).appendingPathComponent(fileName)
            guard let data = FileManager.default.contents(atPath: path), let sql = String(data: data, encoding: .utf8) else {
                throw .unreadable("\(path) is not readable UTF-8")
            }
            files.append(Migration(version: version, name: name, sql: sql))
        }
        return files
    }

    /// Applies what is pending; returns the migrations applied now.
    @discardableResult
    public func migrate(_ connection: PostgresConnection, log: (String) -> Void) throws -> [Migration] {
        let files = try loadFiles()
        try connection.executeScript(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version     integer PRIMARY KEY,
                name        text NOT NULL,
                checksum    text NOT NULL,
                applied_at  timestamptz NOT NULL DEFAULT now()
            )
            """)
        // Instances starting together must not apply the same file twice.
        _ = try connection.query("SELECT pg_advisory_lock(7361202611)")
        defer { _ = try? connection.query("SELECT pg_advisory_unlock(7361202611)") }
        let applied = try connection.query("SELECT version, name, checksum FROM schema_migrations ORDER BY version").map { row in
            AppliedMigration(
                version: try row.decode("version"), name: try row.decode("name"), checksum: try row.decode("checksum"))
        }
        let pending = try MigrationPlan.pending(files: files, applied: applied)
        for migration in pending {
            do {
                try connection.transaction { connection in
                    try connection.executeScript(migration.sql)
                    try connection.execute(
                        "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                        [.int(migration.version), .text(migration.name), .text(migration.checksum)])
                }
            } catch {
                throw MigrationError.failed(version: migration.version, name: migration.name, reason: "\(error)")
            }
            log("applied migration \(migration.version)_\(migration.name)")
        }
        if pending.isEmpty { log("database is up to date (\(applied.count) migrations applied)") }
        return pending
    }
}
