import Foundation

/// Redis and PostgreSQL of one test's own, run with the project's `scripts/services.sh`,
/// so stopping them cannot disturb other tests. Both listen on `ReservedPort`s, held
/// for the cluster's lifetime, so a restart gets the same ports back.
public struct PrivateCluster {
    public let directory: String
    private let redisPort: ReservedPort
    private let postgresPort: ReservedPort
    private static let script = TestEnvironment.packageRoot.appendingPathComponent("scripts/services.sh").path

    public init() throws {
        directory =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("pg-client-test-\(UInt32.random(in: 0...UInt32.max))").path
        redisPort = try ReservedPort()
        postgresPort = try ReservedPort()
    }

    /// `postgres://stockpush@127.0.0.1:port/stockpush`.
    public var databaseURL: String { "postgres://stockpush@127.0.0.1:\(postgresPort.port)/stockpush" }

    /// `redis://127.0.0.1:port/0`.
    public var redisURL: String { "redis://127.0.0.1:\(redisPort.port)/0" }

    /// Starts both servers (again, after `stop`) and returns the DATABASE_URL.
    @discardableResult
    public func start() throws -> String {
        try run(["start", directory, String(redisPort.port), String(postgresPort.port)])
        return databaseURL
    }

    public func stop() throws {
        try run(["stop", directory])
    }

    /// Stops everything and deletes the data (the cluster may live behind a symlink under /tmp).
    public func destroy() {
        try? stop()
        let data = (try? FileManager.default.destinationOfSymbolicLink(atPath: directory + "/pg"))
        if let data { try? FileManager.default.removeItem(atPath: data) }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs the script with Glibc's system(3): Foundation's Process.waitUntilExit hung here on Linux
    /// (the child stayed a zombie). Output goes to a file, not a pipe, because the daemons the script
    /// starts inherit the descriptor, so a pipe would never reach end-of-file.
    private func run(_ arguments: [String]) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let command = ([Self.script] + arguments).map { "'\($0)'" } + [">", "'\(directory)/services.out'"]
        let status = system("/bin/bash " + command.joined(separator: " "))
        guard status == 0 else { throw TestServiceError.scriptFailed(arguments, status: status) }
    }
}
