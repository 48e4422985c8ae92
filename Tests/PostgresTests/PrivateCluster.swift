import Foundation
import Testing

/// A PostgreSQL cluster of one test's own, run with the project's `scripts/services.sh`,
/// so stopping it cannot disturb other tests.
struct PrivateCluster {
    let directory: String
    private static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/services.sh").path

    init() {
        directory =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("pg-client-test-\(UInt32.random(in: 0...UInt32.max))").path
    }

    /// Starts the cluster (on the same ports as before after a stop) and returns its DATABASE_URL.
    @discardableResult
    func start() throws -> String {
        var arguments = ["start", directory]
        if let redisPort = try? String(contentsOfFile: directory + "/redis.port", encoding: .utf8),
            let pgPort = try? String(contentsOfFile: directory + "/pg.port", encoding: .utf8)
        {
            arguments += [
                redisPort.trimmingCharacters(in: .whitespacesAndNewlines), pgPort.trimmingCharacters(in: .whitespacesAndNewlines),
            ]
        }
        let output = try run(arguments)
        let line = try #require(output.split(separator: "\n").first { $0.contains("DATABASE_URL=") })
        return String(line.split(separator: "=", maxSplits: 1)[1])
    }

    func stop() throws {
        _ = try run(["stop", directory])
    }

    /// Stops everything and deletes the data (the cluster may live behind a symlink under /tmp).
    func destroy() {
        try? stop()
        let data = (try? FileManager.default.destinationOfSymbolicLink(atPath: directory + "/pg"))
        if let data { try? FileManager.default.removeItem(atPath: data) }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs the script with Glibc's system(3): Foundation's Process.waitUntilExit hung here on Linux
    /// (the child stayed a zombie). Output goes to a file, not a pipe, because the daemons the script
    /// starts inherit the descriptor, so a pipe would never reach end-of-file.
    private func run(_ arguments: [String]) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let outputPath = directory + "/services.out"
        let command = ([Self.script] + arguments + [">", outputPath]).map { $0 == ">" ? $0 : "'\($0)'" }
        let status = system("/bin/bash " + command.joined(separator: " "))
        try #require(status == 0, "services.sh \(arguments.joined(separator: " ")) failed with status \(status)")
        return try String(contentsOfFile: outputPath, encoding: .utf8)
    }
}
