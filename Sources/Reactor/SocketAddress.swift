import Glibc

/// An IPv4 or IPv6 socket address, parsed without DNS (plus "localhost").
public struct SocketAddress: Sendable, CustomStringConvertible {
    var storage: sockaddr_storage
    public let length: socklen_t

    public init(host: String, port: Int) throws(ReactorError) {
        guard (0...65535).contains(port) else { throw .invalidAddress("port \(port)") }
        let name = host == "localhost" ? "127.0.0.1" : host
        var storage = sockaddr_storage()
        var v4 = sockaddr_in()
        if inet_pton(AF_INET, name, &v4.sin_addr) == 1 {
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = in_port_t(UInt16(port).bigEndian)
            withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: v4, as: sockaddr_in.self) }
            self.storage = storage
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
            return
        }
        var v6 = sockaddr_in6()
        let bare = name.hasPrefix("[") && name.hasSuffix("]") ? String(name.dropFirst().dropLast()) : name
        if inet_pton(AF_INET6, bare, &v6.sin6_addr) == 1 {
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = in_port_t(UInt16(port).bigEndian)
            withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: v6, as: sockaddr_in6.self) }
            self.storage = storage
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            return
        }
        throw .invalidAddress(host)
    }

    init(storage: sockaddr_storage, length: socklen_t) {
        self.storage = storage
        self.length = length
    }

    public var family: Int32 { Int32(storage.ss_family) }

    public var port: Int {
        withUnsafeBytes(of: storage) { raw in
            switch Int32(storage.ss_family) {
            case AF_INET: Int(UInt16(bigEndian: raw.load(as: sockaddr_in.self).sin_port))
            case AF_INET6: Int(UInt16(bigEndian: raw.load(as: sockaddr_in6.self).sin6_port))
            default: 0
            }
        }
    }

    /// The numeric host, e.g. "127.0.0.1" or "::1".
    public var host: String {
        withUnsafeBytes(of: storage) { raw in
            switch Int32(storage.ss_family) {
            case AF_INET:
                return Self.dottedQuad(raw.load(as: sockaddr_in.self).sin_addr)
            case AF_INET6:
                var address = raw.load(as: sockaddr_in6.self).sin6_addr
                var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
                _ = inet_ntop(AF_INET6, &address, &text, socklen_t(text.count))
                return text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            default:
                return ""
            }
        }
    }

    /// IPv4 in dotted decimal, written directly: every accepted connection needs its
    /// host, and inet_ntop (through sprintf) costs several times as much.
    private static func dottedQuad(_ address: in_addr) -> String {
        let value = UInt32(bigEndian: address.s_addr)
        return String(unsafeUninitializedCapacity: 15) { text in
            var count = 0
            for shift in stride(from: 24, through: 0, by: -8) {
                let octet = Int((value >> UInt32(shift)) & 0xFF)
                if shift != 24 {
                    text[count] = UInt8(ascii: ".")
                    count += 1
                }
                if octet >= 100 {
                    text[count] = UInt8(0x30 + octet / 100)
                    count += 1
                }
                if octet >= 10 {
                    text[count] = UInt8(0x30 + octet / 10 % 10)
                    count += 1
                }
                text[count] = UInt8(0x30 + octet % 10)
                count += 1
            }
            return count
        }
    }

    /// "host:port", with brackets around IPv6 hosts.
    public var description: String {
        family == AF_INET6 ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    func withSockAddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        withUnsafeBytes(of: storage) { raw in
            body(raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), length)
        }
    }
}
