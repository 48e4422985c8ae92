import Foundation
import Postgres
import Redis
import Testing

/// The real Redis and PostgreSQL that the test command starts (scripts/test.sh sets
/// REDIS_URL and DATABASE_URL). A missing variable fails the test: integration tests
/// must never pass by skipping.
enum TestEnvironment {
    static var databaseURL: String {
        get throws {
            guard let url = ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty else {
                Issue.record("DATABASE_URL is not set: run the tests through scripts/test.sh (or scripts/services.sh start DIR)")
                throw CancellationError()
            }
            return url
        }
    }

    static var redisURL: String {
        get throws {
            guard let url = ProcessInfo.processInfo.environment["REDIS_URL"], !url.isEmpty else {
                Issue.record("REDIS_URL is not set: run the tests through scripts/test.sh (or scripts/services.sh start DIR)")
                throw CancellationError()
            }
            return url
        }
    }

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static var migrationsDirectory: String { packageRoot.appendingPathComponent("migrations").path }

    static func uniqueName(_ prefix: String) -> String {
        "\(prefix)_\(UInt32.random(in: 0...UInt32.max))_\(getpid())"
    }

    /// A new empty database on the test server; its URL.
    static func freshDatabase() throws -> PostgresURL {
        let base = try databaseURL
        let admin = try PostgresConnection.connect(PostgresURL(base))
        defer { admin.close() }
        let name = uniqueName("t")
        try admin.executeScript("CREATE DATABASE \(name)")
        guard let slash = base.lastIndex(of: "/") else { throw CancellationError() }
        return try PostgresURL(String(base[...slash]) + name)
    }

    /// A free TCP port on 127.0.0.1 (closed again at once).
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                _ = bind(fd, pointer, length)
                return getsockname(fd, pointer, &length)
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Waits until `condition` holds or `seconds` pass.
    static func eventually(within seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            usleep(20_000)
        }
        return try condition()
    }
}

/// A private redis-server this test can kill and restart.
final class PrivateRedis {
    let port: Int
    private var process: Process?

    init() throws {
        port = TestEnvironment.freePort()
        try start()
    }

    var url: String { "redis://127.0.0.1:\(port)/0" }

    func start() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/redis-server")
        process.arguments = ["--port", "\(port)", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        let ready = TestEnvironment.eventually(within: 5) {
            (try? RedisConnection.connect(RedisURL(url), timeoutSeconds: 0.2).command("PING")) != nil
        }
        if !ready { Issue.record("private redis-server did not start on port \(port)") }
    }

    /// SIGKILL, as a crash would; also the only signal a child spawned from a test
    /// thread (which blocks most signals, and the child inherits the mask) must obey.
    func kill() {
        guard let process else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    deinit { kill() }
}
