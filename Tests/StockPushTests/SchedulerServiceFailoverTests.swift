import Market
import Redis
import Telemetry
import TestSupport
import Testing

@testable import StockPush

/// The scheduler under a real Sentinel failover (scripts/sentinel.sh): the primary is
/// SIGKILLed, the sentinels promote the replica, and the scheduler finds it, takes the
/// leader lock there and goes on ticking. Margins are generous: a failover takes seconds.
@Suite(.serialized) struct SchedulerServiceFailoverTests {
    static let catalog = FixedCatalog(PricePublisherTests.catalog(xActive: true, version: 1))

    /// The tick number on whichever server is the primary now; nil while there is none.
    static func tick(_ endpoint: RedisEndpoint, _ layout: QuoteStoreLayout) -> Int? {
        guard let connection = try? endpoint.connectPrimary(timeoutSeconds: 0.5) else { return nil }
        defer { connection.close() }
        return (try? connection.command("GET", layout.tickSequence))?.int
    }

    static func endpoint(_ set: PrivateSentinelSet) throws -> RedisEndpoint {
        .sentinels(try RedisSentinels(set.sentinels), masterName: set.masterName, settings: try RedisURL("redis://unused/0"))
    }

    @Test func theLeaderLockIsTakenOnThePromotedReplicaAndTicksResume() throws {
        let set = try PrivateSentinelSet()
        let endpoint = try Self.endpoint(set)
        let layout = QuoteStoreLayout(prefix: "failover")
        let health = DependencyHealth()
        let log = LogRecorder()
        let service = SchedulerService()
        try service.start(
            owner: "solo", interval: 0.3, redis: endpoint, layout: layout, catalog: Self.catalog, health: health,
            logger: Logger(label: "test", minimumLevel: .info, sink: log.record), makeSource: { SimulatedSource(seed: 4) })
        defer { service.stop() }
        #expect(TestEnvironment.eventually(within: 10) { (Self.tick(endpoint, layout) ?? 0) >= 2 })
        #expect(service.isLeader)

        let old = try set.killPrimary()
        #expect(TestEnvironment.eventually(within: 10) { !health.status(.redis).isUp }, "readiness says Redis is down")
        #expect(set.waitForFailover(from: old))
        let afterFailover = try #require(
            TestEnvironment.eventually(within: 10) { Self.tick(endpoint, layout) != nil } ? Self.tick(endpoint, layout) : nil)
        #expect(
            TestEnvironment.eventually(within: 20) { (Self.tick(endpoint, layout) ?? 0) >= afterFailover + 3 },
            "ticks resume on the promoted replica")
        #expect(TestEnvironment.eventually(within: 5) { service.isLeader && health.status(.redis).isUp })
        let promoted = try set.primary()
        #expect(log.all.contains { $0.contains("Redis primary of '\(set.masterName)' is \(promoted)") })
    }
}
