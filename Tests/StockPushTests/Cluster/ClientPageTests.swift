import JSON
import Testing

@testable import StockPush

@Suite struct ClientPageTests {
    @Test func positionsReadClientIDs() throws {
        let position = try #require(ClientPosition(clientID: "c_node-1_1a"))
        #expect(position.instance == "node-1" && position.counter == 0x1a)
        #expect(position.clientID == "c_node-1_1a")
        for bad in ["", "c_", "c__1", "c_node_", "x_node_1", "c_node-1_xyz", "c_no de_1", "c_node_11111111111111111"] {
            #expect(ClientPosition(clientID: bad) == nil, "\(bad)")
        }
        // Counters order numerically, not as text; instances first.
        #expect(ClientPosition(clientID: "c_a_9")! < ClientPosition(clientID: "c_a_10")!)
        #expect(ClientPosition(clientID: "c_a_ff")! < ClientPosition(clientID: "c_b_1")!)
    }

    /// Instances holding clients 0..<count each, paged through `limit` at a time.
    private func pageThrough(_ held: [String: Int], limit: Int) -> [String] {
        var cursor: ClientPosition?
        var seen: [String] = []
        for _ in 0..<1000 {
            let parts = held.map { instance, count in
                ClientPage.select(
                    (0..<count).reversed().map { (position: ClientPosition(instance: instance, counter: UInt64($0)), item: "") },
                    after: cursor, limit: limit)
            }
            let page = ClientPage.merge(parts, limit: limit)
            #expect(page.items.count <= limit)
            seen += page.items.map(\.position.clientID)
            guard let next = page.next else { return seen }
            cursor = next
        }
        Issue.record("paging did not end")
        return seen
    }

    @Test(arguments: [1, 2, 3, 7, 100])
    func followingNextCursorListsEveryClientOnce(limit: Int) {
        let held = ["node-a": 5, "node-b": 0, "node-c": 11, "node-d": 1]
        let seen = pageThrough(held, limit: limit)
        #expect(seen.count == 17 && Set(seen).count == 17)
    }

    @Test func theLastPageHasNoCursor() {
        let one = ClientPage.select([(position: ClientPosition(instance: "a", counter: 1), item: 1)], after: nil, limit: 1)
        #expect(!one.more)
        #expect(ClientPage.merge([one], limit: 1).next == nil)
        #expect(ClientPage.merge([one, one], limit: 1).next == ClientPosition(instance: "a", counter: 1))
    }

    @Test func filtersMatchUserInstanceAndSubscription() throws {
        var filter = ClientFilter()
        #expect(filter.matches(user: "bob", instance: "n", subscriptions: []))
        filter.user = "bob"
        #expect(!filter.matches(user: "ann", instance: "n", subscriptions: []))
        filter.subscription = "stock:AAPL"
        #expect(filter.matches(user: "bob", instance: "n", subscriptions: ["market:US", "stock:AAPL"]))
        #expect(!filter.matches(user: "bob", instance: "n", subscriptions: ["market:US"]))
        filter.subscription = "AAPL"
        #expect(filter.matches(user: "bob", instance: "n", subscriptions: ["stock:AAPL"]))
        filter.instance = "m"
        #expect(!filter.matches(user: "bob", instance: "n", subscriptions: ["stock:AAPL"]))
    }

    @Test func aFilterTravelsInAControlMessage() throws {
        let filter = try ClientFilter(query: [
            ("limit", "5"), ("cursor", "c_n_3"), ("user", "bob"), ("instance", "n"), ("subscription", "strategy:x"),
        ])
        #expect(ClientFilter(body: filter.body) == filter)
        #expect(ClientFilter(body: .object([("limit", .number(1e9))])).limit == ClientPage.maximumLimit)
    }

    @Test(arguments: ["limit=0", "limit=1001", "limit=x", "cursor=c_", "sort=user"])
    func aBadQueryIsRefused(_ item: String) {
        let parts = item.split(separator: "=").map(String.init)
        #expect(throws: ClientFilter.QueryError.self) { try ClientFilter(query: [(parts[0], parts[1])]) }
    }
}
