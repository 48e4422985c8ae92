import Glibc
import Testing

@testable import Reactor

@Suite struct AcceptorTests {
    @Test func acceptsConnectionsOnAnEphemeralPort() throws {
        let loop = try EventLoop()
        let listening = try Socket.listen(on: SocketAddress(host: "127.0.0.1", port: 0), reusePort: true)
        var accepted: [String] = []
        let acceptor = try Acceptor(loop: loop, listening: listening, onError: { _ in }) { socket in
            accepted.append(socket.remote.host)
        }
        let port = try #require(acceptor.localAddress?.port)
        #expect(port > 0)
        let clients = try (0..<3).map { _ in try Socket.connect(to: SocketAddress(host: "127.0.0.1", port: port)).release() }
        defer { clients.forEach { _ = Glibc.close($0) } }
        let start = MonotonicClock.now()
        while accepted.count < 3 && MonotonicClock.now() - start < 2_000_000_000 {
            loop.runOnce(maximumWaitMilliseconds: 100)
        }
        #expect(accepted == ["127.0.0.1", "127.0.0.1", "127.0.0.1"])
        acceptor.close()
    }

    /// One wake-up takes every connection waiting in the listen queue, not a fixed batch:
    /// a loop busy with a tick's writes hears its listener once a pass, and a batch of
    /// 128 let connections pile up in the queue (issue 15, workload C).
    @Test func oneWakeUpAcceptsTheWholeQueue() throws {
        let loop = try EventLoop()
        let listening = try Socket.listen(on: SocketAddress(host: "127.0.0.1", port: 0), reusePort: true)
        var accepted = 0
        let acceptor = try Acceptor(loop: loop, listening: listening, onError: { _ in }) { _ in accepted += 1 }
        let port = try #require(acceptor.localAddress?.port)
        let count = 300
        let clients = try (0..<count).map { _ in try Socket.connect(to: SocketAddress(host: "127.0.0.1", port: port)).release() }
        defer { clients.forEach { _ = Glibc.close($0) } }
        // Loopback handshakes complete in the kernel; wait until each client is connected.
        for client in clients {
            var entry = pollfd(fd: client, events: Int16(POLLOUT), revents: 0)
            #expect(poll(&entry, 1, 2000) == 1)
        }
        acceptor.handleEvents(.readable)
        #expect(accepted == count)
        acceptor.close()
    }

    /// Connections are never held back by Nagle: the option is set once on the
    /// listener, and this checks that Linux hands it to every accepted socket.
    @Test func acceptedSocketsInheritNoDelay() throws {
        let loop = try EventLoop()
        let listening = try Socket.listen(on: SocketAddress(host: "127.0.0.1", port: 0), reusePort: true)
        var noDelay: [Int32] = []
        let acceptor = try Acceptor(loop: loop, listening: listening, onError: { _ in }) { socket in
            var value: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            _ = getsockopt(socket.fd.rawValue, Int32(IPPROTO_TCP), TCP_NODELAY, &value, &length)
            noDelay.append(value)
        }
        let port = try #require(acceptor.localAddress?.port)
        let client = try Socket.connect(to: SocketAddress(host: "127.0.0.1", port: port)).release()
        defer { _ = Glibc.close(client) }
        let start = MonotonicClock.now()
        while noDelay.isEmpty && MonotonicClock.now() - start < 2_000_000_000 {
            loop.runOnce(maximumWaitMilliseconds: 100)
        }
        #expect(noDelay == [1])
        acceptor.close()
    }

    @Test func acceptedSocketsInheritTheSendBuffer() throws {
        let loop = try EventLoop()
        let listening = try Socket.listen(
            on: SocketAddress(host: "127.0.0.1", port: 0), reusePort: true, sendBuffer: 24 * 1024)
        var sizes: [Int32] = []
        let acceptor = try Acceptor(loop: loop, listening: listening, onError: { _ in }) { socket in
            var value: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            _ = getsockopt(socket.fd.rawValue, SOL_SOCKET, SO_SNDBUF, &value, &length)
            sizes.append(value)
        }
        let port = try #require(acceptor.localAddress?.port)
        let client = try Socket.connect(to: SocketAddress(host: "127.0.0.1", port: port)).release()
        defer { _ = Glibc.close(client) }
        let start = MonotonicClock.now()
        while sizes.isEmpty && MonotonicClock.now() - start < 2_000_000_000 {
            loop.runOnce(maximumWaitMilliseconds: 100)
        }
        #expect(sizes == [48 * 1024], "Linux doubles SO_SNDBUF for its bookkeeping")
        acceptor.close()
    }

    @Test func parsesIPv4AndIPv6AndRejectsNames() throws {
        #expect(try SocketAddress(host: "127.0.0.1", port: 80).description == "127.0.0.1:80")
        #expect(try SocketAddress(host: "::1", port: 8000).description == "[::1]:8000")
        #expect(try SocketAddress(host: "localhost", port: 1).host == "127.0.0.1")
        #expect(throws: ReactorError.invalidAddress("example.invalid")) {
            try SocketAddress(host: "example.invalid", port: 1)
        }
        #expect(throws: ReactorError.self) { try SocketAddress(host: "1.2.3.4", port: 70000) }
    }

    @Test(arguments: [
        "0.0.0.0", "255.255.255.255", "10.0.0.1", "192.168.100.9", "1.20.3.40", "99.100.9.10", "::", "2001:db8::ff",
    ])
    func hostsFormatBackToTheirText(_ text: String) throws {
        #expect(try SocketAddress(host: text, port: 9).host == text)
    }
}
