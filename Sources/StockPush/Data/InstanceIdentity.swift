import Glibc

/// A name for this process among the instances sharing Redis: host, pid and a random
/// suffix (a restarted process on the same pid must not inherit the old lock).
enum InstanceIdentity {
    static let current: String = {
        var name = [CChar](repeating: 0, count: 256)
        _ = gethostname(&name, name.count - 1)
        let host = name.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        return "\(host)-\(getpid())-\(suffix)"
    }()
}
