import Glibc

/// Process limits that decide how many connections one process can hold.
public enum ResourceLimits {
    /// Raises the soft open-file limit to the hard one; returns (soft, hard) after.
    @discardableResult
    public static func raiseOpenFileLimit() -> (soft: UInt64, hard: UInt64) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return (0, 0) }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return (UInt64(limit.rlim_cur), UInt64(limit.rlim_max))
    }

    /// `net.core.wmem_max`: the largest send buffer SO_SNDBUF may ask for (a larger
    /// request is cut to it). Read once; 212,992 (the kernel default) if unreadable.
    public static let maximumSendBuffer: Int = readSysctl("/proc/sys/net/core/wmem_max") ?? 212_992

    private static func readSysctl(_ path: String) -> Int? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { _ = Glibc.close(fd) }
        var bytes = [UInt8](repeating: 0, count: 32)
        let count = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        return Int(String(decoding: bytes[0..<count], as: UTF8.self).filter(\.isNumber))
    }
}
