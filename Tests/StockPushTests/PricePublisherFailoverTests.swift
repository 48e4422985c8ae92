import Market
import Redis
import Telemetry
import TestSupport
import Testing

@testable import StockPush

/// The publisher under a real Sentinel failover: its subscription dies with the
/// primary, it re-resolves, subscribes on the promoted replica, resynchronizes and
/// follows the ticks the scheduler writes there.
@Suite(.serialized) struct PricePublisherFailoverTests {
    @Test func thePublisherFollowsTicksAgainAfterTheFailover() throws {
        let set = try PrivateSentinelSet()
        let endpoint = try SchedulerServiceFailoverTests.endpoint(set)
        let layout = QuoteStoreLayout(prefix: "pubfailover")
        let health = DependencyHealth()  // both mark Redis down; the scheduler marks it up
        let logger = Logger(label: "test", minimumLevel: .error)
        let scheduler = SchedulerService()
        try scheduler.start(
            owner: "solo", interval: 0.3, redis: endpoint, layout: layout, catalog: SchedulerServiceFailoverTests.catalog,
            health: health, logger: logger, makeSource: { SimulatedSource(seed: 5, idleProbability: 0) })
        defer { scheduler.stop() }
        let shared = PushShared(configuration: PushConfiguration(), heartbeatInterval: 30)
        let publisher = PricePublisher()
        try publisher.start(
            redis: endpoint, layout: layout, shared: shared, loops: [], catalog: SchedulerServiceFailoverTests.catalog,
            health: health, logger: logger)
        defer { publisher.stop() }
        #expect(TestEnvironment.eventually(within: 10) { shared.board.tick >= 2 && health.status(.redis).isUp })

        let old = try set.killPrimary()
        #expect(TestEnvironment.eventually(within: 10) { !health.status(.redis).isUp }, "readiness says Redis is down")
        #expect(set.waitForFailover(from: old))
        let afterFailover = try #require(
            TestEnvironment.eventually(within: 10) { SchedulerServiceFailoverTests.tick(endpoint, layout) != nil }
                ? SchedulerServiceFailoverTests.tick(endpoint, layout) : nil)
        #expect(
            TestEnvironment.eventually(within: 20) { shared.board.tick >= Int64(afterFailover) + 3 },
            "the publisher hears the ticks written on the promoted replica")
        #expect(TestEnvironment.eventually(within: 5) { health.status(.redis).isUp })
        #expect(shared.board.quotes.count == 3, "every active stock has its quote")
    }
}
