import Postgres
import Server
import Telemetry

/// `stockpush migrate`: applies pending migrations and exits.
public enum MigrateCommand {
    public static let options: [OptionSpec] =
        [
            OptionSpec(
                "--database-url", env: "DATABASE_URL", default: "postgres://stockpush@127.0.0.1:5432/stockpush",
                help: "PostgreSQL URL"),
            OptionSpec(
                "--migrations-dir", env: "MIGRATIONS_DIR", default: "migrations", help: "folder of numbered .sql migrations"),
            OptionSpec("--help", isSwitch: true, help: "show this help"),
        ] + ServeLogs.options

    public static let usage = """
        Usage: stockpush migrate [options]

        Applies the pending migrations in order, each in a transaction, and records them
        with their checksums in schema_migrations. Refuses to run when an applied file
        was edited.

        Options:
        \(Options.help(for: options))
        """

    public static func run(arguments: [String], environment: [String: String]) throws -> Int32 {
        let options = try Options(arguments: arguments, specs: Self.options, environment: environment)
        if try options.bool("--help") {
            print(usage)
            return 0
        }
        let text = options.string("--database-url") ?? ""
        let url: PostgresURL
        do {
            url = try PostgresURL(text)
        } catch {
            throw UsageError.invalidValue(
                option: "--database-url (DATABASE_URL)", value: DataConfiguration.redactedForError(text),
                expected: "postgres://user[:password]@host[:port]/database (\(error))")
        }
        // The same LOG_FORMAT as `serve`, so a migration job's lines reach the same shipper.
        let logs = try ServeLogs(from: options)
        let logger = logs.data.component("migrate", minimumLevel: logs.data.minimumLevel)
        let connection = try PostgresConnection.connect(url, connectTimeoutSeconds: 5)
        defer { connection.close() }
        let migrator = Migrator(directory: options.string("--migrations-dir") ?? "migrations")
        try migrator.migrate(connection) { logger.info($0) }
        return 0
    }
}
