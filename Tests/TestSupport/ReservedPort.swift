import Glibc

/// A TCP port on 127.0.0.1 that this test holds for as long as it keeps the value:
/// a socket bound to port 0 (the kernel picks a free port) and never listening.
///
/// Connecting to it is refused, which makes it an unreachable server address. And
/// because the socket sets SO_REUSEADDR without listening, a server that sets it too
/// (redis-server and PostgreSQL do) can listen on the port, be killed and listen on it
/// again, while no other process can take it in between: no "find a free port, close
/// it, hope nobody takes it" race. Swift may free an object after its last use, so a
/// test that only reads `port` keeps the value alive with `withExtendedLifetime`.
public final class ReservedPort: Sendable {
    public let port: Int
    private let descriptor: Int32

    public init() throws(TestServiceError) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw .system("socket", errno) }
        var yes: Int32 = 1
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size)) == 0
                    && bind(descriptor, generic, length) == 0 && getsockname(descriptor, generic, &length) == 0
            }
        }
        guard bound else {
            let code = errno
            close(descriptor)
            throw .system("bind 127.0.0.1:0", code)
        }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(descriptor) }
}
