import Market
import Postgres
import Telemetry
import TestSupport
import Testing
import Time

@testable import StockPush

/// Trading calendars as the catalog loads them from PostgreSQL (migrations 0001-0003).
@Suite struct CatalogCalendarTests {
    static func utc(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int = 0) -> Int64 {
        (Int64(CivilCalendar.days(year: year, month: month, day: day)) * 86_400 + Int64(hour * 3600 + minute * 60))
            * 1_000_000
    }

    @Test func theSeededCalendarsLoad() throws {
        let connection = try PostgresConnection.connect(try TestEnvironment.migratedDatabase())
        defer { connection.close() }
        let clock = try CatalogRepository.load(connection, version: 1).clock
        #expect(clock.markets == ["HK", "SH", "SZ", "US"])
        // Hong Kong's lunch break on a Monday, and Christmas closed.
        #expect(clock.state(of: "HK", at: Self.utc(2026, 12, 7, 4, 30))?.status == .lunchBreak)
        #expect(clock.state(of: "HK", at: Self.utc(2026, 12, 25, 2))?.status == .closed)
        // Shanghai pre-opens at 09:15 (the call auction); New York at 09:00 local, EDT in March.
        #expect(clock.state(of: "SH", at: Self.utc(2026, 12, 7, 1, 15))?.status == .preOpen)
        #expect(clock.state(of: "US", at: Self.utc(2026, 3, 9, 13))?.status == .preOpen)
        #expect(clock.state(of: "US", at: Self.utc(2026, 3, 9, 13, 30))?.status == .open)
        #expect(clock.state(of: "US", at: Self.utc(2026, 11, 26, 15))?.status == .closed)  // Thanksgiving
    }

    @Test func theMigrationRefusesAnUnknownTimeZoneByName() throws {
        let connection = try PostgresConnection.connect(try TestEnvironment.migratedDatabase())
        defer { connection.close() }
        do {
            try connection.execute("UPDATE markets SET timezone = 'Asia/Atlantis' WHERE code = 'HK'")
            Issue.record("the update was accepted")
        } catch {
            #expect("\(error)".contains("Asia/Atlantis"))
        }
    }

    @Test func aLoaderRefusesAZoneItsDatabaseLacks() throws {
        let connection = try PostgresConnection.connect(try TestEnvironment.migratedDatabase())
        defer { connection.close() }
        // PostgreSQL's own tz database may know a zone the server's does not.
        try connection.execute("ALTER TABLE markets DISABLE TRIGGER markets_timezone_known")
        try connection.execute("UPDATE markets SET timezone = 'Asia/Atlantis' WHERE code = 'HK'")
        #expect(throws: TimeZoneError.notFound(zone: "Asia/Atlantis", path: "/usr/share/zoneinfo/Asia/Atlantis")) {
            try CatalogRepository.load(connection, version: 1)
        }
    }

    /// A session or holiday that does not parse stops the reload, logged with the
    /// market; the service keeps serving the last good catalog until it is fixed.
    @Test func aBadRowKeepsTheLastGoodCalendar() throws {
        let url = try TestEnvironment.migratedDatabase()
        let log = LogRecorder()
        let service = CatalogService(
            url: url, health: DependencyHealth(), logger: Logger(label: "test", minimumLevel: .info, sink: log.record))
        try service.start()
        defer { service.stop() }
        #expect(TestEnvironment.eventually(within: 5) { service.isLoaded })
        let good = service.catalog
        let connection = try PostgresConnection.connect(url)
        defer { connection.close() }

        try connection.execute(#"UPDATE markets SET trading_sessions = '[{"open":"9:30","close":"11:30"}]' WHERE code = 'SH'"#)
        #expect(
            TestEnvironment.eventually(within: 5) {
                log.all.contains { $0.contains("catalog reload failed") && $0.contains("market SH") }
            })
        #expect(service.catalog.version == good.version)
        #expect(service.catalog.clock == good.clock)

        try connection.execute(#"UPDATE markets SET trading_sessions = '[{"open":"09:30","close":"11:30"}]' WHERE code = 'SH'"#)
        #expect(TestEnvironment.eventually(within: 5) { service.catalog.version > good.version })
        #expect(service.catalog.clock.calendars["SH"]?.sessions == [TradingSession(open: 570, close: 690)])

        let reloaded = service.catalog.version
        try connection.execute("INSERT INTO market_holidays (market, day, name) VALUES ('HK', 'infinity', 'never')")
        #expect(
            TestEnvironment.eventually(within: 5) {
                log.all.contains { $0.contains("catalog reload failed") && $0.contains("market HK: bad holiday") }
            })
        #expect(service.catalog.version == reloaded)
    }
}
