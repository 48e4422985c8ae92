import PushCore
import Testing

@Suite struct TickTests {
    @Test func aTickCarriesOnlyTheChangedStocksEachClientCovers() {
        let harness = CoreHarness()
        let chips = harness.open("a")
        let hk = harness.open("b")
        harness.send(chips, #"{"type":"subscribe","subscription_type":"strategy","target":"blue_chips"}"#)
        harness.send(hk, #"{"type":"subscribe","subscription_type":"market","target":"HK"}"#)
        let actions = harness.publish(["600519": 1501, "09988": 81])
        #expect(actions.updates(to: chips).map(\.codes) == [["600519"]])
        #expect(actions.updates(to: hk).map(\.codes) == [["09988"]])
        #expect(harness.publish(["601318": 51]).updates(to: chips).isEmpty, "nothing it covers changed: no message")
    }

    @Test func aGroupCoveringFewerStocksThanChangedGetsItsOwnInTheTicksOrder() {
        let harness = CoreHarness()
        let chips = harness.open("a")
        let everything = harness.open("b")
        harness.send(chips, #"{"type":"subscribe","subscription_type":"strategy","target":"blue_chips"}"#)
        harness.send(everything, #"{"type":"subscribe","subscription_type":"market","target":"SH"}"#)
        harness.send(everything, #"{"type":"subscribe","subscription_type":"market","target":"HK"}"#)
        let actions = harness.publish(["600519": 1507, "601318": 53, "00700": 306, "09988": 82])
        // Two of four changed: the group finds them through its own set, sorted like the tick.
        #expect(actions.updates(to: chips).map(\.codes) == [["00700", "600519"]])
        #expect(actions.updates(to: everything).map(\.codes) == [["00700", "09988", "600519", "601318"]])
    }

    @Test func overlappingSubscriptionsGetEachStockOnce() {
        let harness = CoreHarness()
        let client = harness.open()
        harness.send(client, #"{"type":"subscribe","subscription_type":"strategy","target":"blue_chips"}"#)
        harness.send(client, #"{"type":"subscribe","subscription_type":"market","target":"SH"}"#)
        let updates = harness.publish(["600519": 1502, "601318": 52]).updates(to: client)
        #expect(updates.count == 1)
        #expect(updates[0].codes.sorted() == ["600519", "601318"])
    }

    @Test func seqIsContinuousAcrossSnapshotsTicksAndPushes() {
        let harness = CoreHarness()
        let client = harness.open()
        var seqs: [Int] = []
        seqs += harness.send(client, #"{"type":"subscribe","subscription_type":"market","target":"SH"}"#)
            .updates(to: client).compactMap(\.seq)
        seqs += harness.publish(["600519": 1503]).updates(to: client).compactMap(\.seq)
        seqs += harness.push(["601318"]).actions.updates(to: client).compactMap(\.seq)
        seqs += harness.send(client, #"{"type":"subscribe","subscription_type":"stock","target":"00700"}"#)
            .updates(to: client).compactMap(\.seq)
        seqs += harness.publish(["00700": 305, "600519": 1504]).updates(to: client).compactMap(\.seq)
        #expect(seqs == [1, 2, 3, 4, 5])
    }

    @Test func clientsWithTheSameSubscriptionsShareOneBody() {
        let harness = CoreHarness()
        let first = harness.open("a")
        let second = harness.open("b")
        for client in [first, second] {
            harness.send(client, #"{"type":"subscribe","subscription_type":"market","target":"SH"}"#)
        }
        let bodies = harness.publish(["600519": 1505]).flatMap(\.perClient).compactMap { action -> ObjectIdentifier? in
            if case .sendUpdate(_, _, _, _, let body) = action { return ObjectIdentifier(body) }
            return nil
        }
        #expect(bodies.count == 2)
        #expect(Set(bodies).count == 1, "one body encoded for the group")
    }

    @Test func aTickEndsWithItsLatencyMarker() {
        let harness = CoreHarness()
        let client = harness.open()
        harness.send(client, #"{"type":"subscribe","subscription_type":"market","target":"SH"}"#)
        let actions = harness.publish(["600519": 1506])
        guard case .tickQueued(let startedAt) = actions.last else {
            Issue.record("no tickQueued at the end")
            return
        }
        #expect(startedAt == harness.now.monotonic)
    }
}
