import Postgres
import TestSupport
import Testing

@Suite struct NotificationTests {
    @Test func notificationsTravelBetweenConnections() throws {
        let listener = try connectToTestDatabase()
        let notifier = try connectToTestDatabase()
        let channel = TestEnvironment.uniqueName("Catalog Changed")  // needs quoting: spaces and capitals
        try listener.listen(channel)
        try notifier.notify(channel, payload: "reload 贵州茅台")
        let received = try listener.waitForNotifications(timeoutSeconds: 5)
        #expect(received.count == 1)
        #expect(received.first?.channel == channel)
        #expect(received.first?.payload == "reload 贵州茅台")
        #expect(received.first.map { $0.processID > 0 } == true)
    }

    @Test func timesOutEmpty() throws {
        let listener = try connectToTestDatabase()
        try listener.listen(TestEnvironment.uniqueName("quiet"))
        let clock = ContinuousClock()
        let start = clock.now
        let received = try listener.waitForNotifications(timeoutSeconds: 0.3)
        let elapsed = clock.now - start
        #expect(received.isEmpty)
        #expect(elapsed >= .milliseconds(290) && elapsed < .seconds(2))
    }

    @Test func unlistenStopsDelivery() throws {
        let listener = try connectToTestDatabase()
        let notifier = try connectToTestDatabase()
        let channel = TestEnvironment.uniqueName("prices")
        try listener.listen(channel)
        try listener.unlisten(channel)
        try notifier.notify(channel, payload: "ignored")
        #expect(try listener.waitForNotifications(timeoutSeconds: 0.2).isEmpty)
    }

    @Test func notificationsQueuedDuringQueriesAreNotLost() throws {
        let listener = try connectToTestDatabase()
        let notifier = try connectToTestDatabase()
        let channel = TestEnvironment.uniqueName("queued")
        try listener.listen(channel)
        try notifier.notify(channel, payload: "one")
        try notifier.notify(channel, payload: "two")
        _ = try listener.query("SELECT pg_sleep(0.2)")  // both arrive while this runs
        var payloads: [String] = []
        while payloads.count < 2 {
            let batch = try listener.waitForNotifications(timeoutSeconds: 2)
            if batch.isEmpty { break }
            payloads += batch.map(\.payload)
        }
        #expect(payloads == ["one", "two"])
    }

    @Test func injectionInChannelNamesIsHarmless() throws {
        let listener = try connectToTestDatabase()
        let channel = "x\"; DROP TABLE y; --"
        try listener.listen(channel)
        try listener.notify(channel, payload: "self")
        #expect(try listener.waitForNotifications(timeoutSeconds: 2).map(\.channel) == [channel])
    }
}
