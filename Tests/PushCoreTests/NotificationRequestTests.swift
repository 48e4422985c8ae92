import JSON
import PushCore
import Testing

/// The price stream's notification requests: the core hands them to the shell (which
/// owns the queue) and keeps the client's price subscriptions as they were.
@Suite struct NotificationRequestTests {
    @Test func subscribingToNotificationsIsTheShellsJobAndTouchesNoPriceSubscription() {
        let harness = CoreHarness()
        let client = harness.open()
        _ = harness.send(client, #"{"type":"subscribe","subscription_type":"stock","target":"600519"}"#)
        let actions = harness.send(client, #"{"type":"subscribe","subscription_type":"notifications","id":4}"#)
        guard case .notifications(let id, let subscribe, let requestID)? = actions.first, actions.count == 1 else {
            Issue.record("expected one notifications action, got \(actions)")
            return
        }
        #expect(id == client && subscribe && requestID == .number(4))
        let off = harness.send(client, #"{"type":"unsubscribe","subscription_type":"notifications"}"#)
        guard case .notifications(_, false, nil)? = off.first else {
            Issue.record("expected an unsubscribe action, got \(off)")
            return
        }
        let status = harness.send(client, #"{"type":"get_status"}"#).messages(to: client)
        #expect(status.first?.json["subscriptions"]?.arrayValue?.count == 1, "the stock subscription is kept")
    }

    @Test func anAckIsPassedOnWithItsIds() {
        let harness = CoreHarness()
        let client = harness.open()
        let actions = harness.send(client, #"{"type":"ack","ids":["5-0","6-1"],"id":"x"}"#)
        guard case .acknowledge(let id, let ids, let requestID)? = actions.first else {
            Issue.record("expected an acknowledge action, got \(actions)")
            return
        }
        #expect(id == client && ids == ["5-0", "6-1"] && requestID == .string("x"))
        let bad = harness.send(client, #"{"type":"ack","ids":["x"]}"#).messages(to: client)
        #expect(bad.map(\.type) == ["error"] && bad[0].json["code"]?.stringValue == "invalid_message")
    }
}
