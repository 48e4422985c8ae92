import Foundation

/// A redis-server child process of one test's own, for tests that need a password or
/// must kill and restart the server without disturbing the shared one. It listens on
/// a `ReservedPort`, so a restart finds its port still free.
public final class PrivateRedisServer {
    public var port: Int { reserved.port }
    private let reserved: ReservedPort
    private let arguments: [String]
    private let directory: URL
    private var process: Process?

    /// Starts the server; with `password`, clients must authenticate.
    public init(password: String? = nil) throws {
        reserved = try ReservedPort()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("redis-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var arguments = [
            "--port", String(reserved.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--dir", directory.path, "--daemonize", "no",
        ]
        if let password { arguments += ["--requirepass", password] }
        self.arguments = arguments
        try start()
    }

    /// `redis://[:password@]127.0.0.1:port/0`.
    public func url(password: String? = nil) -> String {
        "redis://\(password.map { ":\($0)@" } ?? "")127.0.0.1:\(port)/0"
    }

    /// Starts the server again after `kill` (nothing when it runs), on the same port;
    /// returns once it accepts connections.
    public func start() throws {
        if let process, process.isRunning { return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/redis-server")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        for _ in 0..<200 {
            guard process.isRunning else { break }
            if acceptsConnections() { return }
            usleep(25_000)
        }
        kill()
        throw TestServiceError.didNotStart("redis-server", port: port)
    }

    /// Kills the server with SIGKILL, as a crash would: clients see only the kernel
    /// closing their sockets. It is also the one signal a child spawned from a test
    /// thread (which blocks most signals, a mask the child inherits) must obey.
    public func kill() {
        guard let process else { return }
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        self.process = nil
    }

    /// Kills the server and starts it again on the same port.
    public func restart() throws {
        kill()
        try start()
    }

    private func acceptsConnections() -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    deinit {
        kill()
        try? FileManager.default.removeItem(at: directory)
    }
}
