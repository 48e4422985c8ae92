import Glibc
import TestSupport
import Testing

@Suite struct ReservedPortTests {
    /// A TCP socket on 127.0.0.1:`port`, optionally with SO_REUSEADDR; its descriptor.
    func socketBound(to port: Int, reuseAddress: Bool) -> (descriptor: Int32, bound: Bool) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        if reuseAddress { setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size)) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        return (descriptor, bound)
    }

    @Test func connectionsToAReservedPortAreRefused() throws {
        let reserved = try ReservedPort()
        #expect(reserved.port > 0)
        let client = socketBound(to: 0, reuseAddress: false)
        defer { close(client.descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(reserved.port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let failure = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(client.descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 ? 0 : errno
            }
        }
        #expect(failure == ECONNREFUSED)
        withExtendedLifetime(reserved) {}
    }

    @Test func nobodyElseCanTakeThePortButAReusingServerCanListenOnIt() throws {
        let reserved = try ReservedPort()
        let intruder = socketBound(to: reserved.port, reuseAddress: false)
        defer { close(intruder.descriptor) }
        #expect(!intruder.bound, "a plain bind took the reserved port")
        // What redis-server and PostgreSQL do: SO_REUSEADDR, bind, listen.
        let server = socketBound(to: reserved.port, reuseAddress: true)
        defer { close(server.descriptor) }
        #expect(server.bound)
        #expect(listen(server.descriptor, 1) == 0)
        withExtendedLifetime(reserved) {}
    }

    @Test func eachReservationGetsItsOwnPort() throws {
        let ports = try (0..<4).map { _ in try ReservedPort() }
        #expect(Set(ports.map(\.port)).count == 4)
    }
}
