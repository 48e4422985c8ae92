import Reactor
import Redis
import Synchronization
import Telemetry
import TestSupport
import Testing

@testable import StockPush

/// The cluster limits' worker thread against a real Redis: its verdicts, the counts it
/// writes back, and what it answers when Redis is not there.
@Suite struct ClusterUserLimitsTests {
    final class Verdicts: Sendable {
        private let received = Mutex<[ClusterUserLimits.Verdict]>([])
        func add(_ verdict: ClusterUserLimits.Verdict) { received.withLock { $0.append(verdict) } }
        var all: [ClusterUserLimits.Verdict] { received.withLock { $0 } }
    }

    /// Asks for one more connection of `user` (counted locally first, as the route does).
    func reserve(_ limits: ClusterUserLimits, _ local: ConnectionLimits, _ user: String) -> ClusterUserLimits.Verdict? {
        _ = local.admit(user: user, authenticated: true, address: "192.0.2.1")
        let verdicts = Verdicts()
        limits.reserve(user: user) { verdicts.add($0) }
        _ = TestEnvironment.eventually(within: 5) { !verdicts.all.isEmpty }
        return verdicts.all.first
    }

    @Test func admitsUpToTheClusterLimitAndWritesBackWhatIsHeldHere() throws {
        let url = try RedisURL(TestEnvironment.redisURL)
        let connection = try RedisConnection.connect(url)
        defer { connection.close() }
        let prefix = TestEnvironment.uniqueName("worker")
        let script = ClusterLimitScript(prefix: prefix, instanceID: "here", ttlMilliseconds: 5000)
        let elsewhere = ClusterLimitScript(prefix: prefix, instanceID: "elsewhere", ttlMilliseconds: 5000)
        let now = WallClock.nowMicroseconds() / 1000
        try connection.command("ZADD", script.instancesKey, String(now + 60_000), "here", String(now + 60_000), "elsewhere")
        _ = try connection.transaction(elsewhere.heartbeat(["alice": 2]))
        defer { _ = try? connection.command("DEL", script.instancesKey, script.ownKey, elsewhere.ownKey) }

        let local = ConnectionLimits(maxPerUser: 3, maxPerAddress: 100)
        let limits = try ClusterUserLimits(
            redis: .url(url), script: script, local: local, heartbeatMilliseconds: 100,
            logger: Logger(label: "test", minimumLevel: .error))
        try limits.start()
        defer { limits.stop() }
        #expect(reserve(limits, local, "alice") == .admitted)
        #expect(try connection.command("HGET", script.ownKey, "alice").int == 1)
        #expect(reserve(limits, local, "alice") == .refused(others: 2))
        local.release(user: "alice", address: "192.0.2.1")  // the route gives the refused place back

        // The connection closes: the count written here drops to zero and the field goes.
        local.release(user: "alice", address: "192.0.2.1")
        limits.release(user: "alice")
        #expect(
            try TestEnvironment.eventually(within: 5) {
                try connection.command("HEXISTS", script.ownKey, "alice").int == 0
            })
        // Drift (a write lost in an outage) heals at the next heartbeat.
        _ = local.admit(user: "bob", authenticated: true, address: "192.0.2.1")
        #expect(
            try TestEnvironment.eventually(within: 5) {
                try connection.command("HGET", script.ownKey, "bob").int == 1
            })
        #expect((try connection.command("PTTL", script.ownKey).int ?? 0) > 0)
        // A clean stop removes this instance's counts at once.
        limits.stop()
        #expect(try connection.command("EXISTS", script.ownKey).int == 0)
    }

    @Test func withoutRedisEveryQuestionIsAnsweredUnavailableAndQuickly() throws {
        let port = try ReservedPort()  // nothing listens there
        let url = try RedisURL("redis://127.0.0.1:\(port.port)/0")
        let local = ConnectionLimits(maxPerUser: 3, maxPerAddress: 100)
        let logs = LogRecorder()
        let limits = try ClusterUserLimits(
            redis: .url(url), script: ClusterLimitScript(prefix: "absent", instanceID: "here", ttlMilliseconds: 5000),
            local: local, heartbeatMilliseconds: 100,
            logger: Logger(label: "test", minimumLevel: .info, sink: logs.record))
        try limits.start()
        defer { limits.stop() }
        for _ in 0..<5 {
            #expect(reserve(limits, local, "alice") == .unavailable)
        }
        limits.release(user: "alice")
        let warnings = logs.all.filter { $0.contains("unavailable") }
        #expect(warnings.count == 1, "an outage is logged once: \(logs.all)")
        withExtendedLifetime(port) {}
    }
}
