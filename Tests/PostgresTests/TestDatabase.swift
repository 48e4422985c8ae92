import Foundation
import Postgres
import Synchronization
import Testing

/// The shared test database from `DATABASE_URL` (the project's test command always sets it).
/// Unset is a failure, not a skip, so a misconfigured run cannot pass silently.
func testDatabaseURL() throws -> PostgresURL {
    let value = try #require(
        ProcessInfo.processInfo.environment["DATABASE_URL"],
        "DATABASE_URL is not set: run `scripts/services.sh start DIR` and export the DATABASE_URL it prints")
    return try PostgresURL(value)
}

func connectToTestDatabase() throws -> PostgresConnection {
    try PostgresConnection.connect(try testDatabaseURL())
}

/// A table name no other test (or earlier run) uses.
func uniqueName(_ prefix: String) -> String {
    "\(prefix)_\(UInt32.random(in: 0...UInt32.max))_\(UInt16.random(in: 0...UInt16.max))"
}

/// A TCP port on 127.0.0.1 that nothing listens on (bound, then released).
func closedPort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    try #require(descriptor >= 0)
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
            bind(descriptor, generic, length) == 0 && getsockname(descriptor, generic, &length) == 0
        }
    }
    try #require(bound)
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Collects log lines from `PostgresClient` across threads.
final class LogRecorder: Sendable {
    private let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }
    func record(_ line: String) { lines.withLock { $0.append(line) } }
}
