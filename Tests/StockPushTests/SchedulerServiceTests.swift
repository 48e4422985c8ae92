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

    /// A running scheduler of simulated quotes and a subscriber to its tick channel.
    struct Leading {
        let redis: RedisURL
        let layout: QuoteStoreLayout
        let catalog: CatalogService
        let subscriber: RedisSubscriber
        let service: SchedulerService

        func stop() {
            service.stop()
            catalog.stop()
        }
    }

    func leading(_ prefix: String, interval: Double, seed: UInt64) throws -> Leading {
        let redis = try RedisURL(TestEnvironment.redisURL)
        let layout = QuoteStoreLayout(prefix: TestEnvironment.uniqueName(prefix))
        let catalog = try catalog()
        let subscriber = try RedisSubscriber.connect(redis)
        try subscriber.subscribe([layout.tickChannel])
        let service = SchedulerService()
        try service.start(
            owner: "one", interval: interval, redis: .url(redis), layout: layout, catalog: catalog, health: DependencyHealth(),
            logger: logger, makeSource: { SimulatedSource(seed: seed) })
        return Leading(redis: redis, layout: layout, catalog: catalog, subscriber: subscriber, service: service)
    }

    @Test func writesTicksIntoRedisAndAnnouncesThemWithTheirQuotes() throws {
        let run = try leading("sched", interval: 0.2, seed: 1)
        defer { run.stop() }
        let (redis, layout, subscriber) = (run.redis, run.layout, run.subscriber)
        let message = try TickMessage(decoding: try #require(try subscriber.nextMessage(timeoutSeconds: 5)).payload)
        #expect(message.tick == 1 && message.quotes.count == 56, "the first tick carries every quote")
        let connection = try RedisConnection.connect(redis)
        let stored = try #require(connection.command("HGET", layout.latestQuotes, "600519").bytes)
        let quote = try QuoteCodec.decode(stored)
        #expect(quote.code == "600519" && quote.price > 0 && quote.prevClose > 0)
        #expect(message.quotes.first { $0.code == "600519" } == quote, "the message carries the stored quote")
        #expect(try connection.command("HLEN", layout.latestQuotes).int == 56)
    }

    /// Each published tick carries exactly the quotes that changed since the one before,
    /// and replaying the messages gives exactly what `latest` holds.
    @Test func ticksCarryOnlyTheChangedQuotesAndAddUpToLatest() throws {
        let run = try leading("diff", interval: 0.1, seed: 4)
        defer { run.catalog.stop() }
        let (redis, layout, subscriber, service) = (run.redis, run.layout, run.subscriber, run.service)
        var replayed: [String: Quote] = [:]
        var sizes: [Int] = []
        for expectedTick in Int64(1)...6 {
            let message = try TickMessage(decoding: try #require(try subscriber.nextMessage(timeoutSeconds: 5)).payload)
            #expect(message.tick == expectedTick)
            for quote in message.quotes {
                if let before = replayed[quote.code] {
                    #expect(quote.differsForStore(from: before), "tick \(message.tick) resent \(quote.code) unchanged")
                }
                replayed[quote.code] = quote
            }
            sizes.append(message.quotes.count)
        }
        service.stop()
        // The simulated source re-quotes every stock each pull (a quiet one at the same
        // price): each goes to the store so its quote_time stays current.
        #expect(sizes.allSatisfy { $0 == 56 }, "every pull refreshes every stock: \(sizes)")
        let connection = try RedisConnection.connect(redis)
        let tick = try connection.command("GET", layout.tickSequence).int ?? 0
        #expect(tick >= 6)
        // Ticks written after the sixth (before the stop) are still in the subscriber's socket.
        while let late = try subscriber.nextMessage(timeoutSeconds: 0.2) {
            for quote in try TickMessage(decoding: late.payload).quotes { replayed[quote.code] = quote }
        }
        var latest: [String: Quote] = [:]
        let items = try connection.command("HGETALL", layout.latestQuotes).array ?? []
        for index in stride(from: 0, to: items.count, by: 2) {
            latest[items[index].string ?? ""] = try QuoteCodec.decode(try #require(items[index + 1].bytes))
        }
        #expect(latest == replayed)
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
            owner: "a", interval: interval, redis: .url(redis), layout: layout, catalog: catalog, health: DependencyHealth(),
            logger: logger, makeSource: { SimulatedSource(seed: 1) })
        try b.start(
            owner: "b", interval: interval, redis: .url(redis), layout: layout, catalog: catalog, health: DependencyHealth(),
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
            owner: "solo", interval: 0.2, redis: .url(redis), layout: layout, catalog: catalog, health: health,
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
