import Reactor
import Testing

/// The CPUs a process may use, from the kernel's own texts: the affinity mask, cgroup
/// v2's `cpu.max`, cgroup v1's CFS quota, and which cgroup the process is in.
@Suite struct CPUBudgetTests {
    @Test func theAffinityMaskCountsItsBits() {
        #expect(CPUBudget.allowedCPUs(status: "Name:\tx\nCpus_allowed:\t3\nCpus_allowed_list:\t0-1\n") == 2)
        #expect(CPUBudget.allowedCPUs(status: "Cpus_allowed:\t00000000,00000001\n") == 1, "taskset -c 0")
        #expect(CPUBudget.allowedCPUs(status: "Cpus_allowed:\tff,ffffffff\n") == 40)
        #expect(CPUBudget.allowedCPUs(status: "Name:\tx\n") == nil)
    }

    @Test func aV2QuotaIsCPUsWorthOfTimePerPeriod() {
        #expect(CPUBudget.quota(cpuMax: "200000 100000\n") == 2)
        #expect(CPUBudget.quota(cpuMax: "150000 100000") == 1.5, "rounded up by the caller: 2 threads")
        #expect(CPUBudget.quota(cpuMax: "max 100000\n") == nil, "no quota")
        #expect(CPUBudget.quota(cpuMax: "") == nil)
    }

    @Test func aV1QuotaOfMinusOneIsNone() {
        #expect(CPUBudget.quota(cfsQuota: "50000\n", cfsPeriod: "100000\n") == 0.5)
        #expect(CPUBudget.quota(cfsQuota: "-1\n", cfsPeriod: "100000\n") == nil)
    }

    @Test func theCgroupPathIsFoundPerHierarchy() {
        let mixed = "12:cpu,cpuacct:/docker/abc\n4:memory:/docker/abc\n0::/system.slice/x.service\n"
        #expect(CPUBudget.cgroupPath(mixed, controller: "cpu") == "/docker/abc")
        #expect(CPUBudget.cgroupPath(mixed, controller: "") == "/system.slice/x.service")
        #expect(CPUBudget.cgroupPath("1:name=systemd:/\n", controller: "cpu") == nil)
    }

}
