import Glibc

/// A name for this process among the instances sharing Redis. It is part of every
/// client id (`c_<instance>_<hex>`) and of the Redis keys of the cluster, so it is
/// restricted to `[A-Za-z0-9.-]`, 1–48 characters (no `_`: the client id splits on it).
public enum InstanceIdentity {
    public static let maximumLength = 48

    /// Host, pid and a random suffix (a restarted process on the same pid must not
    /// inherit the old leader lock or the old instance's client ids).
    public static func generated() -> String {
        var name = [CChar](repeating: 0, count: 256)
        _ = gethostname(&name, name.count - 1)
        let rawHost = name.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        let host = String(rawHost.unicodeScalars.filter { isAllowed($0) }.prefix(24).map(Character.init))
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        return "\(host.isEmpty ? "host" : host)-\(getpid())-\(suffix)"
    }

    /// True when `id` may name an instance.
    public static func isValid(_ id: String) -> Bool {
        let scalars = id.unicodeScalars
        return !scalars.isEmpty && scalars.count <= maximumLength && scalars.allSatisfy(isAllowed)
    }

    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "A"..."Z", "a"..."z", "0"..."9", ".", "-": true
        default: false
        }
    }
}
