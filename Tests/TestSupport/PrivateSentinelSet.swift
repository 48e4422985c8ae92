import Foundation

/// A Redis primary, its replica and sentinels of one test's own, run with the project's
/// `scripts/sentinel.sh` (the same set `scripts/cluster.sh` and the e2e tests use), so
/// killing the primary cannot disturb other tests. `stop()` (or deinit) ends them all.
public final class PrivateSentinelSet {
    public let directory: String
    /// The `REDIS_SENTINELS` value: `127.0.0.1:port,...`.
    public let sentinels: String
    /// The `REDIS_MASTER_NAME` the sentinels monitor.
    public let masterName: String
    private static let script = TestEnvironment.packageRoot.appendingPathComponent("scripts/sentinel.sh").path

    /// Starts the set and returns once the sentinels can fail over (they know the replica).
    public init(sentinelCount: Int = 1) throws {
        directory =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("sentinel-test-\(UInt32.random(in: 0...UInt32.max))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let exports = try Self.run(["start", directory, String(sentinelCount)], in: directory)
        func value(_ name: String) -> String? {
            exports.split(separator: "\n").lazy.compactMap { line -> String? in
                let prefix = "export \(name)="
                return line.hasPrefix(prefix) ? String(line.dropFirst(prefix.count)) : nil
            }.first
        }
        guard let sentinels = value("REDIS_SENTINELS"), let masterName = value("REDIS_MASTER_NAME") else {
            throw TestServiceError.scriptFailed(["start", directory, "(no exports printed)"], status: 0)
        }
        self.sentinels = sentinels
        self.masterName = masterName
    }

    /// The current primary, `host:port`, as the sentinels report it.
    public func primary() throws -> String {
        try Self.run(["primary", directory], in: directory).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// SIGKILLs the current primary (a crash) and returns the `host:port` it had.
    @discardableResult
    public func killPrimary() throws -> String {
        try Self.run(["kill-primary", directory], in: directory).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Polls until the sentinels name a primary other than `old` (the failover finished).
    public func waitForFailover(from old: String, within seconds: Double = 30) -> Bool {
        TestEnvironment.eventually(within: seconds) {
            guard let now = try? primary() else { return false }
            return now != old
        }
    }

    public func stop() {
        _ = try? Self.run(["stop", directory], in: directory)
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs the script with system(3) and returns its output, written to a file: the
    /// daemons it starts inherit the descriptor, so a pipe would never reach end-of-file
    /// (see `PrivateCluster.run`).
    private static func run(_ arguments: [String], in directory: String) throws -> String {
        let output = directory + "/script.out"
        let command = ([script] + arguments).map { "'\($0)'" } + [">", "'\(output)'", "2>&1"]
        let status = system("/bin/bash " + command.joined(separator: " "))
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        guard status == 0 else {
            throw TestServiceError.scriptFailed(
                arguments + [text.trimmingCharacters(in: .whitespacesAndNewlines)], status: status)
        }
        return text
    }
}
