import JSON
import Testing

@testable import StockPush

@Suite struct StatsTotalsTests {
    private func part(_ connections: Int, users: [String: Int], subscriptions: [String: Int]) -> StatsTotals {
        var totals = StatsTotals()
        totals.connections = connections
        totals.opened = connections * 2
        totals.messages = 10
        totals.messagesPerSecond = 3
        totals.users = users
        totals.subscriptions = subscriptions
        return totals
    }

    @Test func theClusterIsTheSumOfItsInstances() {
        let a = part(2, users: ["bob": 1, "anonymous": 1], subscriptions: ["stock:AAPL": 2])
        let b = part(3, users: ["bob": 2, "ann": 1], subscriptions: ["stock:AAPL": 1, "market:US": 3])
        let sum = StatsTotals.sum([("a", a), ("b", b)])
        #expect(sum.connections == 5 && sum.opened == 10 && sum.messages == 20 && sum.messagesPerSecond == 6)
        #expect(sum.users == ["bob": 3, "anonymous": 1, "ann": 1])
        #expect(sum.subscriptions == ["stock:AAPL": 3, "market:US": 3])
        #expect(sum.usersByInstance["bob"] == ["a": 1, "b": 2])
    }

    @Test func aReplyRoundTripsAndMissingFieldsCountAsZero() {
        let a = part(2, users: ["bob": 1], subscriptions: ["stock:AAPL": 2])
        #expect(StatsTotals(body: a.body) == a)
        #expect(StatsTotals(body: .object([("connections", .string("many"))])) == StatsTotals())
    }
}
