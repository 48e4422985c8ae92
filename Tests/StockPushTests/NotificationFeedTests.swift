import JSON
import PushProtocol
import Testing

@testable import StockPush

/// One loop's notification connections, on explicit inputs: queued ones first and in
/// order, live ones held back during the catch-up and never sent twice.
@Suite struct NotificationFeedTests {
    let feed = NotificationFeed()
    var actions: [NotificationFeed.Action] = []

    static func body(_ title: String) -> [UInt8] {
        Notification(title: title, content: "", createdAt: 1_795_257_000_000_000).body
    }

    static func entry(_ id: String, _ title: String, read: Bool = false) -> NotificationStore.Entry {
        NotificationStore.Entry(id: id, body: body(title), read: read)
    }

    /// (connections, id, status) of every send, in order.
    func sends(_ actions: [NotificationFeed.Action]) -> [([UInt64], String, String)] {
        actions.compactMap { action in
            guard case .send(let targets, let message) = action, let data = try? JSONParser.parse(message)["data"] else {
                return nil
            }
            return (targets, data["id"]?.stringValue ?? "", data["status"]?.stringValue ?? "")
        }
    }

    @Test mutating func aConnectionFetchesItsQueueAndGetsItInOrder() {
        feed.open(1, user: "alice", into: &actions)
        #expect(actions == [.fetch(connection: 1, user: "alice")])
        actions = []
        feed.loaded(1, entries: [Self.entry("5-0", "a"), Self.entry("7-1", "b", read: true)], into: &actions)
        let sent = sends(actions)
        #expect(sent.map(\.1) == ["5-0", "7-1"] && sent.map(\.2) == ["unread", "read"] && sent.allSatisfy { $0.0 == [1] })
    }

    @Test mutating func liveOnesWaitForTheCatchUpAndAreNotSentTwice() {
        feed.open(1, user: "alice", into: &actions)
        actions = []
        // Queued before the queue was read (so in it), and after.
        #expect(feed.deliver(user: "alice", id: "7-0", body: Self.body("in queue"), into: &actions) == 1)
        feed.deliver(user: "alice", id: "9-0", body: Self.body("after"), into: &actions)
        #expect(actions.isEmpty, "held back while catching up")
        feed.loaded(1, entries: [Self.entry("5-0", "a"), Self.entry("7-0", "in queue")], into: &actions)
        #expect(sends(actions).map(\.1) == ["5-0", "7-0", "9-0"])
        actions = []
        // A live delivery that arrives after the catch-up for an id it already sent.
        feed.deliver(user: "alice", id: "7-0", body: Self.body("in queue"), into: &actions)
        #expect(actions.isEmpty)
        feed.deliver(user: "alice", id: "10-0", body: Self.body("new"), into: &actions)
        #expect(sends(actions).map(\.1) == ["10-0"])
    }

    @Test mutating func oneMessageGoesToEveryLiveConnectionOfTheUserAndNoOneElse() {
        for (connection, user) in [(1, "alice"), (2, "alice"), (3, "bob")] as [(UInt64, String)] {
            feed.open(connection, user: user, into: &actions)
            feed.loaded(connection, entries: [], into: &actions)
        }
        actions = []
        #expect(feed.deliver(user: "alice", id: "3-0", body: Self.body("hi"), into: &actions) == 2)
        #expect(sends(actions).map(\.0) == [[1, 2]], "one message, encoded once, for both")
        feed.close(1)
        actions = []
        #expect(feed.deliver(user: "alice", id: "4-0", body: Self.body("hi"), into: &actions) == 1)
        #expect(feed.deliver(user: "carol", id: "4-0", body: Self.body("hi"), into: &actions) == 0)
        #expect(sends(actions).map(\.0) == [[2]] && feed.count == 2)
    }

    @Test mutating func aQueueThatCannotBeReadStillLetsLiveOnesThrough() {
        feed.open(1, user: "alice", into: &actions)
        feed.deliver(user: "alice", id: "9-0", body: Self.body("held"), into: &actions)
        actions = []
        feed.loadFailed(1, into: &actions)
        #expect(sends(actions).map(\.1) == ["9-0"])
        actions = []
        feed.deliver(user: "alice", id: "2-0", body: Self.body("late"), into: &actions)
        #expect(sends(actions).map(\.1) == ["2-0"], "no catch-up to compare with: everything live goes out")
    }

    @Test mutating func aClosedConnectionsLateQueueIsIgnored() {
        feed.open(1, user: "alice", into: &actions)
        feed.close(1)
        actions = []
        feed.loaded(1, entries: [Self.entry("5-0", "a")], into: &actions)
        #expect(actions.isEmpty && feed.count == 0)
    }
}
