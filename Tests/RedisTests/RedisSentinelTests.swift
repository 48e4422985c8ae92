import Redis
import Retry
import TestSupport
import Testing

/// Discovery against a real Sentinel, primary and replica (scripts/sentinel.sh).
@Suite(.serialized) struct RedisSentinelTests {
    func endpoint(_ set: PrivateSentinelSet, master: String? = nil) throws -> RedisEndpoint {
        .sentinels(
            try RedisSentinels(set.sentinels), masterName: master ?? set.masterName, settings: try RedisURL("redis://unused/0"))
    }

    @Test func resolvesThePrimaryAndFindsThePromotedReplicaAfterAFailover() throws {
        let set = try PrivateSentinelSet()
        let endpoint = try endpoint(set)
        let primary = try set.primary()
        #expect(try endpoint.resolvePrimary().address == primary)
        let log = LogRecorder()
        let client = RedisClient(endpoint: endpoint, backoff: Backoff(initial: 0.05, maximum: 0.5)) { log.record($0) }
        defer { client.close() }
        try client.withConnection { try $0.command("SET", "before", "1") }
        #expect(log.all.contains { $0.contains("primary of '\(set.masterName)' is \(primary)") })

        try set.killPrimary()
        #expect(set.waitForFailover(from: primary), "the sentinels promoted the replica")
        let promoted = try set.primary()
        // The first command may fail on the dead connection; the client then re-resolves.
        #expect(
            TestEnvironment.eventually(within: 20) {
                (try? client.withConnection(deadlineSeconds: 1) { try $0.command("GET", "before") }) == .bulk(Array("1".utf8))
            }, "the write made before the failover is read from the promoted replica")
        try client.withConnection { try $0.command("SET", "after", "2") }
        #expect(log.all.contains { $0.contains("is \(promoted)") })
    }

    @Test func aSubscriberConnectsToThePrimary() throws {
        let set = try PrivateSentinelSet()
        let endpoint = try endpoint(set)
        var lines: [String] = []
        let subscriber = try RedisSubscriber.connect(endpoint, timeoutSeconds: 2) { lines.append($0) }
        defer { subscriber.close() }
        try subscriber.subscribe(["news"])
        try RedisConnection.connect(try endpoint.resolvePrimary()).command("PUBLISH", "news", "hello")
        #expect(try subscriber.nextMessage(timeoutSeconds: 5)?.payload == Array("hello".utf8))
        #expect(lines == ["Redis primary of '\(set.masterName)' is \(try set.primary())"])
    }

    @Test func aDeadSentinelIsSkippedAndAnUnknownMasterIsNoPrimary() throws {
        let set = try PrivateSentinelSet()
        let dead = try ReservedPort()
        let listed = RedisEndpoint.sentinels(
            try RedisSentinels("127.0.0.1:\(dead.port),\(set.sentinels)"), masterName: set.masterName,
            settings: try RedisURL("redis://unused/0"))
        #expect(try listed.resolvePrimary().address == (try set.primary()), "the next sentinel answers")
        withExtendedLifetime(dead) {}
        #expect {
            try endpoint(set, master: "nobody").resolvePrimary()
        } throws: { error in
            guard case .noPrimary(_, let tried) = error as? RedisError else { return false }
            return tried.count == 1 && tried[0].contains("does not know it")
        }
    }

    @Test func aDemotedPrimaryAnswersReadOnlyAndTheClientDropsTheConnection() throws {
        let set = try PrivateSentinelSet()
        let primary = try RedisURL("redis://\(try set.primary())/0")
        let replicaPort = try #require(
            try RedisConnection.connect(primary).command("ROLE").array?.dropFirst(2).first?.array?.first?.array?[1].int)
        let replica = primary.at(host: "127.0.0.1", port: replicaPort)
        // A fixed-URL client pointed at the replica stands in for one whose primary was demoted.
        let client = RedisClient(url: replica) { _ in }
        try client.withConnection { _ in }
        #expect(client.isHealthy)
        #expect(throws: RedisError.self) { try client.withConnection { try $0.command("SET", "k", "v") } }
        #expect(!client.isHealthy, "the READONLY error dropped the connection")
    }
}
