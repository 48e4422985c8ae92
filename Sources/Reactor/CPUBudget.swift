import Glibc

/// How many CPUs this process may really use: the CPUs its affinity mask allows
/// (`taskset`, a cpuset) and its cgroup's CPU quota (`docker --cpus`, systemd's
/// `CPUQuota`), whichever is smaller — not the machine's count, which would start loop
/// threads that take turns on the same core.
public enum CPUBudget {
    /// At least 1, at most the online CPUs.
    public static func usable() -> Int {
        let online = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        var count = readFile("/proc/self/status").flatMap(allowedCPUs(status:)).map { min($0, online) } ?? online
        if let quota = cgroupQuota() { count = min(count, max(1, Int(quota.rounded(.up)))) }
        return max(1, count)
    }

    /// The CPUs of the `Cpus_allowed:` mask of `/proc/self/status` (hex, comma-grouped).
    public static func allowedCPUs(status: String) -> Int? {
        for line in status.split(separator: "\n") where line.hasPrefix("Cpus_allowed:") {
            let count = line.dropFirst("Cpus_allowed:".count).reduce(0) { $0 + ($1.hexDigitValue?.nonzeroBitCount ?? 0) }
            return count > 0 ? count : nil
        }
        return nil
    }

    /// CPUs' worth of time per period from cgroup v2's `cpu.max` (`"200000 100000"` is 2;
    /// `"max 100000"`: no quota).
    public static func quota(cpuMax: String) -> Double? {
        let parts = cpuMax.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard parts.count >= 2, let limit = Double(parts[0]), let period = Double(parts[1]), limit > 0, period > 0 else {
            return nil
        }
        return limit / period
    }

    /// The same from cgroup v1's `cpu.cfs_quota_us` (-1: no quota) and `cpu.cfs_period_us`.
    public static func quota(cfsQuota: String, cfsPeriod: String) -> Double? {
        guard let limit = Double(cfsQuota.filter { !$0.isWhitespace }),
            let period = Double(cfsPeriod.filter { !$0.isWhitespace }),
            limit > 0, period > 0
        else { return nil }
        return limit / period
    }

    /// This process's cgroup path for a v1 `controller`, or the v2 one (`""`), from
    /// `/proc/self/cgroup` lines `id:controllers:path`.
    public static func cgroupPath(_ cgroups: String, controller: String) -> String? {
        for line in cgroups.split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            let controllers = fields[1].split(separator: ",")
            if controller.isEmpty ? fields[1].isEmpty : controllers.contains(Substring(controller)) { return String(fields[2]) }
        }
        return nil
    }

    /// The quota of the cgroup this process is in (v2 first, then v1), nil without one.
    static func cgroupQuota() -> Double? {
        guard let cgroups = readFile("/proc/self/cgroup") else { return nil }
        if let path = cgroupPath(cgroups, controller: ""), let text = readFile("/sys/fs/cgroup\(path)/cpu.max") {
            return quota(cpuMax: text)
        }
        if let path = cgroupPath(cgroups, controller: "cpu") {
            for root in ["/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpu,cpuacct"] {
                if let limit = readFile("\(root)\(path)/cpu.cfs_quota_us"),
                    let period = readFile("\(root)\(path)/cpu.cfs_period_us")
                {
                    return quota(cfsQuota: limit, cfsPeriod: period)
                }
            }
        }
        return nil
    }

    /// A small text file (procfs, cgroupfs), or nil.
    static func readFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { _ = Glibc.close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 1 << 20 {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            bytes += chunk[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
