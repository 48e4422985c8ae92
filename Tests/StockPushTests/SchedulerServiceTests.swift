import Foundation
import Market
import Postgres
import Redis
import Telemetry
import TestSupport
import Testing

@testable import StockPush

@Suite struct SchedulerServiceTests {
    let logger = Logger(label: "test", minimumLevel: .error)

    func catalog() throws -> CatalogService {
        let url = try TestEnvironment.freshDatabase()
        let connection = try PostgresConnection.connect(url)
        defer { connection.close() }
        try Migrator(directory: TestEnvironment.migrationsDirectory).migrate(connection) { _ in }
        let service = CatalogService(url: url, health: DependencyHealth(), logger: logger)
        try service.start()
        _ = TestEnvironment.eventually(within: 5) { service.isLoaded }
        return service
    }

    func tick(_ redis: RedisURL, _ layout: QuoteStoreLayout) -> Int {
        (try? RedisConnection.connect(redis, timeoutSeconds: 0.5).command("GET", layout.tickSequence).int) ?? 0
    }

    @Test func writesWholeTicksIntoRedisAndAnnouncesThem() throws {
        let redis = try RedisURL(TestEnvironment.redisURL)
        let layout = QuoteStoreLayout(prefix: TestEnvironment.uniqueName("sched"))
        let catalog = try catalog()
        defer { catalog.stop() }
        let subscriber = try RedisSubscriber.connect(redis)
        try subscriber.subscribe([layout.tickChannel])
        let service = SchedulerService()
        try service.start(
            owner: "one", interval: 0.2, redisURL: redis, layout: layout, catalog: catalog, health: DependencyHealth(),
            logger: logger, makeSource: { SimulatedSource(seed: 1) })
        defer { service.stop() }
        let message = try #require(try subscriber.nextMessage(timeoutSeconds: 5))
        let text = String(decoding: message.payload, as: UTF8.self)
        #expect(text.hasPrefix(#"{"tick":"#) && text.contains(#""count":56"#), "announcement: \(text)")
        let connection = try RedisConnection.connect(redis)
        let stored = try #require(connection.command("HGET", layout.latestQuotes, "600519").bytes)
        let quote = try QuoteCodec.decode(stored)
        #expect(quote.code == "600519" && quote.price > 0 && quote.prevClose > 0)
        #expect(try connection.command("HLEN", layout.latestQuotes).int == 56)
    }

    @Test func aSecondInstanceTakesOverWithinOneIntervalWhenTheLeaderDies() throws {
        let redis = try RedisURL(TestEnvironment.redisURL)
        let layout = QuoteStoreLayout(prefix: TestEnvironment.uniqueName("handover"))
        let catalog = try catalog()
        defer { catalog.stop() }
        let interval = 0.6
        let a = SchedulerService()
        let b = SchedulerService()
        try a.start(
            owner: "a", interval: interval, redisURL: redis, layout: layout, catalog: catalog, health: DependencyHealth(),
            logger: logger, makeSource: { SimulatedSource(seed: 1) })
        try b.start(
            owner: "b", interval: interval, redisURL: redis, layout: layout, catalog: catalog, health: DependencyHealth(),
            logger: logger, makeSource: { SimulatedSource(seed: 2) })
        defer {
            a.stop()
            b.stop()
        }
        #expect(TestEnvironment.eventually(within: 5) { tick(redis, layout) >= 3 })
        #expect(a.isLeader != b.isLeader, "exactly one instance leads")
        let (leader, follower) = a.isLeader ? (a, b) : (b, a)
        let followerTicksBefore = follower.tickCount
        leader.stop(resign: false)  // dies holding the lock
        let died = tick(redis, layout)
        let start = MonotonicSeconds.now()
        #expect(TestEnvironment.eventually(within: 5) { tick(redis, layout) > died })
        let gap = MonotonicSeconds.now() - start
        #expect(gap <= interval * 2 + 0.3, "next tick \(gap) s after the leader died")
        // The follower's counters are updated just after its write reaches Redis.
        #expect(
            TestEnvironment.eventually(within: 1) { follower.isLeader && follower.tickCount > followerTicksBefore },
            "the follower took the lead and wrote the tick")
    }

    @Test func survivesARedisRestartAndLeavesNoStaleLock() throws {
        let redisServer = try PrivateRedisServer()
        let redis = try RedisURL(redisServer.url())
        let layout = QuoteStoreLayout(prefix: "restart")
        let catalog = try catalog()
        defer { catalog.stop() }
        let health = DependencyHealth()
        let service = SchedulerService()
        try service.start(
            owner: "solo", interval: 0.2, redisURL: redis, layout: layout, catalog: catalog, health: health,
            logger: logger, makeSource: { SimulatedSource(seed: 3) })
        defer { service.stop() }
        #expect(TestEnvironment.eventually(within: 5) { tick(redis, layout) >= 2 })
        redisServer.kill()
        #expect(TestEnvironment.eventually(within: 5) { !health.status(.redis).isUp }, "readiness reports Redis down")
        try redisServer.start()
        #expect(TestEnvironment.eventually(within: 10) { tick(redis, layout) >= 2 }, "ticks resume after the restart")
        #expect(TestEnvironment.eventually(within: 5) { health.status(.redis).isUp })
        #expect(service.isLeader)
    }
}

enum MonotonicSeconds {
    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
