import Foundation
import Postgres
import TestSupport
import Testing

@testable import StockPush

@Suite struct MigratorTests {
    @Test func migratesAnEmptyDatabaseAndSeedsARealCatalog() throws {
        let url = try TestEnvironment.freshDatabase()
        let connection = try PostgresConnection.connect(url)
        defer { connection.close() }
        let migrator = Migrator(directory: TestEnvironment.migrationsDirectory)
        let applied = try migrator.migrate(connection) { _ in }
        #expect(applied.map(\.version) == [1, 2, 3, 4])
        let markets = try connection.query("SELECT code FROM markets ORDER BY code").map {
            try $0.decode("code", as: String.self)
        }
        #expect(markets == ["HK", "SH", "SZ", "US"])
        let stocks = try connection.query("SELECT count(*) AS n FROM stocks WHERE active")[0]
        #expect(try stocks.decode("n", as: Int.self) >= 50)
        let moutai = try connection.query("SELECT name, market FROM stocks WHERE code = $1", ["600519"])[0]
        #expect(try moutai.decode("name", as: String.self) == "贵州茅台")
        #expect(try moutai.decode("market", as: String.self) == "SH")
        let strategies = try connection.query("SELECT count(*) AS n FROM strategies")[0]
        #expect(try strategies.decode("n", as: Int.self) >= 5)
        for (market, minimum) in [("SH", 5), ("SZ", 5), ("HK", 5), ("US", 5)] {
            let count = try connection.query("SELECT count(*) AS n FROM stocks WHERE market = $1", [.text(market)])[0]
            #expect(try count.decode("n", as: Int.self) >= minimum)
        }
    }

    @Test func runningAgainAppliesNothing() throws {
        let url = try TestEnvironment.freshDatabase()
        let connection = try PostgresConnection.connect(url)
        defer { connection.close() }
        let migrator = Migrator(directory: TestEnvironment.migrationsDirectory)
        try migrator.migrate(connection) { _ in }
        #expect(try migrator.migrate(connection) { _ in }.isEmpty)
        let recorded = try connection.query("SELECT count(*) AS n FROM schema_migrations")[0]
        #expect(try recorded.decode("n", as: Int.self) == 4)
    }

    @Test func refusesToRunWhenAnAppliedFileWasEdited() throws {
        let url = try TestEnvironment.freshDatabase()
        let connection = try PostgresConnection.connect(url)
        defer { connection.close() }
        let directory = try copyOfMigrations()
        try Migrator(directory: directory).migrate(connection) { _ in }
        let seed = (directory as NSString).appendingPathComponent("0002_seed_catalog.sql")
        try (String(contentsOfFile: seed, encoding: .utf8) + "\n-- edited\n").write(
            toFile: seed, atomically: true, encoding: .utf8)
        #expect(throws: MigrationError.edited(version: 2, name: "seed_catalog")) {
            try Migrator(directory: directory).migrate(connection) { _ in }
        }
        try FileManager.default.removeItem(atPath: seed)
        #expect(throws: MigrationError.missing(version: 2, name: "seed_catalog")) {
            try Migrator(directory: directory).migrate(connection) { _ in }
        }
    }

    @Test func aFailingMigrationIsRolledBackWhole() throws {
        let url = try TestEnvironment.freshDatabase()
        let connection = try PostgresConnection.connect(url)
        defer { connection.close() }
        let directory = try copyOfMigrations()
        try "CREATE TABLE half_done (id int);\nSELECT * FROM no_such_table;\n"
            .write(toFile: (directory as NSString).appendingPathComponent("0099_broken.sql"), atomically: true, encoding: .utf8)
        #expect(throws: MigrationError.self) { try Migrator(directory: directory).migrate(connection) { _ in } }
        let table = try connection.query("SELECT to_regclass('half_done')::text AS t")[0]
        #expect(try table.decode("t", as: String?.self) == nil)
        let versions = try connection.query("SELECT version FROM schema_migrations ORDER BY version").map {
            try $0.decode("version", as: Int.self)
        }
        #expect(versions == [1, 2, 3, 4])
    }

    @Test func planningIsPure() throws {
        let one = Migration(version: 1, name: "a", sql: "SELECT 1")
        let two = Migration(version: 2, name: "b", sql: "SELECT 2")
        #expect(try MigrationPlan.pending(files: [two, one], applied: []) == [one, two])
        #expect(
            try MigrationPlan.pending(
                files: [one, two], applied: [AppliedMigration(version: 1, name: "a", checksum: one.checksum)]) == [two])
        #expect(throws: MigrationError.duplicateVersion(1)) {
            try MigrationPlan.pending(files: [one, Migration(version: 1, name: "c", sql: "")], applied: [])
        }
        #expect(Migration.parseFileName("0002_seed_catalog.sql")! == (2, "seed_catalog"))
        #expect(Migration.parseFileName("README.md") == nil)
        #expect(Migration.parseFileName("x_y.sql") == nil)
    }

    /// Run outside the project folder, the relative default names nothing: the error must
    /// say where it looked (absolute) and how to point elsewhere.
    @Test func aMissingFolderIsNamedWithTheWayToChooseAnother() throws {
        let relative = TestEnvironment.uniqueName("no-such-migrations")
        let absolute = FileManager.default.currentDirectoryPath + "/" + relative
        var message = ""
        do {
            _ = try Migrator(directory: relative).loadFiles()
            Issue.record("loading \(relative) succeeded")
        } catch {
            message = error.description
        }
        #expect(message.contains("'\(absolute)'"), "\(message)")
        #expect(message.contains("--migrations-dir") && message.contains("MIGRATIONS_DIR"), "\(message)")
        let file = NSTemporaryDirectory() + TestEnvironment.uniqueName("not-a-folder")
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        do {
            _ = try Migrator(directory: file).loadFiles()
            Issue.record("loading the file \(file) succeeded")
        } catch {
            #expect(error.description.contains("'\(file)'") && error.description.contains("--migrations-dir"))
        }
    }

    private func copyOfMigrations() throws -> String {
        let directory = NSTemporaryDirectory() + TestEnvironment.uniqueName("migrations")
        try FileManager.default.copyItem(atPath: TestEnvironment.migrationsDirectory, toPath: directory)
        return directory
    }
}
