import Reactor
import Redis
import Retry
import TestSupport
import Testing

@testable import StockPush

/// The cluster-wide user limit's Redis commands: their shape, and what they do on a
/// real Redis with two instances' hashes.
@Suite struct ClusterLimitScriptTests {
    static func text(_ commands: [[[UInt8]]]) -> [[String]] {
        commands.map { $0.map { String(decoding: $0, as: UTF8.self) } }
    }

    @Test func heartbeatRewritesTheOwnHashFromTheLocalCountsAndRenewsTheLease() {
        let script = ClusterLimitScript(prefix: "sp", instanceID: "node-1", ttlMilliseconds: 5000)
        #expect(
            Self.text(script.heartbeat(["bob": 1, "alice": 2, "gone": 0])) == [
                ["DEL", "sp:user-connections:node-1"],
                ["HSET", "sp:user-connections:node-1", "alice", "2", "bob", "1"],
                ["PEXPIRE", "sp:user-connections:node-1", "5000"],
            ])
        // Nothing held: the hash is simply gone.
        #expect(Self.text(script.heartbeat([:])) == [["DEL", "sp:user-connections:node-1"]])
    }

    @Test func releaseWritesWhatIsLeftAndDropsTheFieldAtZero() {
        let script = ClusterLimitScript(prefix: "sp", instanceID: "node-1", ttlMilliseconds: 5000)
        #expect(
            Self.text(script.release(user: "alice", localCount: 1))[0] == ["HSET", "sp:user-connections:node-1", "alice", "1"])
        #expect(Self.text(script.release(user: "alice", localCount: 0))[0] == ["HDEL", "sp:user-connections:node-1", "alice"])
    }

    @Test func reserveCountsEveryLiveInstanceButNotADeadOneOrAnUnregisteredOne() throws {
        let connection = try RedisConnection.connect(try RedisURL(TestEnvironment.redisURL))
        defer { connection.close() }
        let prefix = TestEnvironment.uniqueName("limits")
        let now = WallClock.nowMicroseconds() / 1000
        let a = ClusterLimitScript(prefix: prefix, instanceID: "a", ttlMilliseconds: 5000)
        let b = ClusterLimitScript(prefix: prefix, instanceID: "b", ttlMilliseconds: 5000)
        let dead = ClusterLimitScript(prefix: prefix, instanceID: "dead", ttlMilliseconds: 5000)
        let stranger = ClusterLimitScript(prefix: prefix, instanceID: "stranger", ttlMilliseconds: 5000)
        // The registry (the admin side's, emulated here): a and b are live, dead's beat is old.
        try connection.command("ZADD", a.instancesKey, String(now), "a", String(now), "b", String(now - 60_000), "dead")
        _ = try connection.transaction(a.heartbeat(["alice": 2]))
        _ = try connection.transaction(dead.heartbeat(["alice": 5]))
        _ = try connection.transaction(stranger.heartbeat(["alice": 5]))
        defer {
            _ = try? connection.command(
                "DEL", a.instancesKey, a.ownKey, b.ownKey, dead.ownKey, stranger.ownKey)
        }
        // b's first connection of alice: 2 elsewhere + 1 here = 3, at the limit but not over.
        let first = try ClusterLimitScript.verdict(
            connection.command(b.reserve(user: "alice", limit: 3, localCount: 1, nowMilliseconds: now)))
        #expect(first.admitted && first.others == 2)
        #expect(try connection.command("HGET", b.ownKey, "alice").int == 1)
        #expect((try connection.command("PTTL", b.ownKey).int ?? 0) > 0, "the reservation carries the lease")
        // A second one on b would make four.
        let second = try ClusterLimitScript.verdict(
            connection.command(b.reserve(user: "alice", limit: 3, localCount: 2, nowMilliseconds: now)))
        #expect(!second.admitted && second.others == 2)
        #expect(try connection.command("HGET", b.ownKey, "alice").int == 1, "a refusal writes nothing")
        // Another user is unaffected; a frees one of alice's places and b may take it.
        let other = try ClusterLimitScript.verdict(
            connection.command(b.reserve(user: "carol", limit: 3, localCount: 1, nowMilliseconds: now)))
        #expect(other.admitted && other.others == 0)
        _ = try connection.transaction(a.release(user: "alice", localCount: 1))
        let third = try ClusterLimitScript.verdict(
            connection.command(b.reserve(user: "alice", limit: 3, localCount: 2, nowMilliseconds: now)))
        #expect(third.admitted && third.others == 1)
    }

    @Test func anInstanceThatStopsBeatingLosesItsCountsWithItsLease() throws {
        let connection = try RedisConnection.connect(try RedisURL(TestEnvironment.redisURL))
        defer { connection.close() }
        let prefix = TestEnvironment.uniqueName("lease")
        let crashed = ClusterLimitScript(prefix: prefix, instanceID: "crashed", ttlMilliseconds: 200)
        let survivor = ClusterLimitScript(prefix: prefix, instanceID: "survivor", ttlMilliseconds: 200)
        let now = WallClock.nowMicroseconds() / 1000
        try connection.command("ZADD", crashed.instancesKey, String(now + 60_000), "crashed")
        defer { _ = try? connection.command("DEL", crashed.instancesKey, crashed.ownKey, survivor.ownKey) }
        _ = try connection.transaction(crashed.heartbeat(["alice": 3]))
        let refused = try ClusterLimitScript.verdict(
            connection.command(survivor.reserve(user: "alice", limit: 3, localCount: 1, nowMilliseconds: now)))
        #expect(!refused.admitted)
        // No more beats: the lease runs out even though the registry still lists it.
        #expect(
            try TestEnvironment.eventually(within: 5) {
                try connection.command("EXISTS", crashed.ownKey).int == 0
            })
        let admitted = try ClusterLimitScript.verdict(
            connection.command(survivor.reserve(user: "alice", limit: 3, localCount: 1, nowMilliseconds: now)))
        #expect(admitted.admitted)
    }

    @Test func aRenewalKeepsTheCountsAliveWithoutRewritingThem() throws {
        let connection = try RedisConnection.connect(try RedisURL(TestEnvironment.redisURL))
        defer { connection.close() }
        let script = ClusterLimitScript(
            prefix: TestEnvironment.uniqueName("renew"), instanceID: "node-1", ttlMilliseconds: 300)
        defer { _ = try? connection.command("DEL", script.ownKey) }
        #expect(Self.text([script.renewal]) == [["PEXPIRE", script.ownKey, "300"]])
        _ = try connection.transaction(script.heartbeat(["alice": 2]))
        // Renewed three times over twice the TTL: still there, with the same counts.
        for _ in 0..<3 {
            ThreadSleep.sleep(0.2)
            #expect(try connection.command(script.renewal).int == 1)
        }
        #expect(try connection.command("HGET", script.ownKey, "alice").int == 2)
    }
}
