import Foundation
import Redis
import Testing

/// The shared test server from `REDIS_URL`. The project's test command always sets
/// it, so a missing variable is a failure with instructions, never a silent skip.
func sharedRedisURL() throws -> RedisURL {
    guard let text = ProcessInfo.processInfo.environment["REDIS_URL"], !text.isEmpty else {
        Issue.record("REDIS_URL is not set: start Redis with `scripts/services.sh start DIR` and export the REDIS_URL it prints")
        throw MissingRedis()
    }
    return try RedisURL(text)
}

struct MissingRedis: Error {}

/// A key prefix unique to one test run, so tests can share a server in parallel.
func uniquePrefix(_ name: String) -> String {
    "test:\(name):\(UInt64.random(in: 0...UInt64.max)):"
}

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// Seconds taken by `body`.
func timed<R>(_ body: () throws -> R) rethrows -> (R, Double) {
    let start = ContinuousClock.now
    let result = try body()
    let elapsed = start.duration(to: .now)
    return (result, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
}

/// A private redis-server child process, for tests that need a password or must
/// kill and restart the server without disturbing the shared one.
final class PrivateRedisServer {
    let port: Int
    private let arguments: [String]
    private var process: Process?
    private let directory: URL

    init(password: String? = nil) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("redis-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var lastError: Error?
        for _ in 0..<10 {
            let candidate = Int.random(in: 20_000..<60_000)
            var arguments = [
                "--port", String(candidate), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", directory.path, "--daemonize", "no",
            ]
            if let password { arguments += ["--requirepass", password] }
            do {
                process = try Self.launch(arguments, port: candidate, password: password)
                port = candidate
                self.arguments = arguments
                return
            } catch {
                lastError = error
            }
        }
        throw lastError ?? CocoaError(.fileNoSuchFile)
    }

    private static func launch(_ arguments: [String], port: Int, password: String?) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/redis-server")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let url = try RedisURL("redis://\(password.map { ":\($0)@" } ?? "")127.0.0.1:\(port)/0")
        for _ in 0..<100 {
            if !process.isRunning { throw ServerDidNotStart(port: port) }
            if let connection = try? RedisConnection.connect(url, timeoutSeconds: 0.5) {
                connection.close()
                return process
            }
            usleep(50_000)
        }
        process.terminate()
        process.waitUntilExit()
        throw ServerDidNotStart(port: port)
    }

    func url(password: String? = nil) throws -> RedisURL {
        try RedisURL("redis://\(password.map { ":\($0)@" } ?? "")127.0.0.1:\(port)/0")
    }

    /// Kills the server (SIGKILL: no goodbye to clients beyond the kernel closing sockets).
    func kill() {
        guard let process, process.isRunning else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Starts the server again on the same port.
    func restart(password: String? = nil) throws {
        kill()
        var lastError: Error?
        for _ in 0..<20 {  // the port may take a moment to be free again
            do {
                process = try Self.launch(arguments, port: port, password: password)
                return
            } catch {
                lastError = error
                usleep(100_000)
            }
        }
        throw lastError!
    }

    deinit {
        kill()
        try? FileManager.default.removeItem(at: directory)
    }
}

struct ServerDidNotStart: Error { let port: Int }
