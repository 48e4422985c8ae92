import Foundation
import Testing

/// The shared Redis and PostgreSQL that the test command starts (scripts/test.sh sets
/// REDIS_URL and DATABASE_URL), and small helpers integration tests share. A missing
/// variable fails the test: integration tests must never pass by skipping.
public enum TestEnvironment {
    public static var databaseURL: String {
        get throws { try variable("DATABASE_URL") }
    }

    public static var redisURL: String {
        get throws { try variable("REDIS_URL") }
    }

    /// The package's root folder (this file is Tests/TestSupport/TestEnvironment.swift).
    public static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    public static var migrationsDirectory: String { packageRoot.appendingPathComponent("migrations").path }

    /// A name (table, database, key prefix) that no other test or earlier run uses;
    /// lowercase, so it is also a valid unquoted SQL identifier.
    public static func uniqueName(_ prefix: String) -> String {
        "\(prefix)_\(UInt32.random(in: 0...UInt32.max))_\(getpid())"
    }

    /// Polls `condition` every 20 ms until it holds or `seconds` pass; the final answer.
    public static func eventually(within seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + .milliseconds(Int64(seconds * 1000))
        while clock.now < deadline {
            if try condition() { return true }
            usleep(20_000)
        }
        return try condition()
    }

    /// The result of `body` and the seconds it took.
    public static func timed<R>(_ body: () throws -> R) rethrows -> (R, Double) {
        let start = ContinuousClock.now
        let result = try body()
        let elapsed = start.duration(to: .now).components
        return (result, Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18)
    }

    private static func variable(_ name: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
            let error = TestServiceError.missingVariable(name)
            Issue.record("\(error)")
            throw error
        }
        return value
    }
}
