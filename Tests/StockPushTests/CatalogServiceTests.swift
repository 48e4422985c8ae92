import Market
import Postgres
import Synchronization
import Telemetry
import TestSupport
import Testing

@testable import StockPush

@Suite struct CatalogServiceTests {
    @Test func loadsTheCatalogAndReloadsOnChangesWithoutARestart() throws {
        let url = try TestEnvironment.migratedDatabase()
        let health = DependencyHealth()
        let service = CatalogService(url: url, health: health, logger: Logger(label: "test", minimumLevel: .error))
        let reloads = Mutex(0)
        service.onChange { _ in reloads.withLock { $0 += 1 } }
        try service.start()
        defer { service.stop() }
        #expect(TestEnvironment.eventually(within: 5) { service.isLoaded })
        #expect(health.status(.postgres).isUp)
        #expect(try service.catalog.resolve(SubscriptionKey(.strategy, "volume_wave")).contains("600519"))
        #expect(try !service.catalog.resolve(SubscriptionKey(.strategy, "volume_wave")).contains("KO"))

        let connection = try PostgresConnection.connect(url)
        defer { connection.close() }
        try connection.execute("INSERT INTO strategy_stocks (strategy, stock) VALUES ('volume_wave', 'KO')")
        #expect(
            TestEnvironment.eventually(within: 5) {
                (try? service.catalog.resolve(SubscriptionKey(.strategy, "volume_wave")).contains("KO")) == true
            }, "a stock added to a strategy reaches the running service")

        try connection.execute("UPDATE stocks SET active = false WHERE code = '600519'")
        #expect(
            TestEnvironment.eventually(within: 5) {
                (try? service.catalog.resolve(SubscriptionKey(.strategy, "volume_wave")).contains("600519")) == false
            })
        #expect(throws: Catalog.ResolveError.self) { try service.catalog.resolve(SubscriptionKey(.stock, "600519")) }
        #expect(reloads.withLock { $0 } >= 3)
    }

    @Test func anUnreachableDatabaseIsReportedAndRetried() throws {
        let reserved = try ReservedPort()
        defer { withExtendedLifetime(reserved) {} }
        let port = reserved.port
        let url = try PostgresURL("postgres://stockpush@127.0.0.1:\(port)/stockpush")
        let health = DependencyHealth()
        let service = CatalogService(url: url, health: health, logger: Logger(label: "test", minimumLevel: .error))
        try service.start()
        defer { service.stop() }
        #expect(
            TestEnvironment.eventually(within: 3) {
                let status = health.status(.postgres)
                return !status.isUp && status.reason.contains("127.0.0.1:\(port)")
            })
        #expect(!service.isLoaded)
        #expect(service.catalog.stocks.isEmpty)
        let response = Application.readiness(health)
        #expect(response.status.code == 503)
        #expect(String(decoding: response.body, as: UTF8.self).contains("\"postgres\":"))
    }
}
