import PushCore
import Testing

@Suite struct ConflationTests {
    func subscribedToSH(_ harness: CoreHarness) -> ClientID {
        let client = harness.open()
        harness.send(client, #"{"type":"subscribe","subscription_type":"market","target":"SH"}"#)
        return client
    }

    @Test func aFullQueueHoldsBackAndAsksOnceToHearWhenItDrains() {
        let harness = CoreHarness()
        let client = subscribedToSH(harness)
        harness.full = [client]
        let first = harness.publish(["600519": 1510])
        #expect(first.updates(to: client).isEmpty)
        #expect(first.contains { if case .notifyWhenDrained(client) = $0 { true } else { false } })
        let second = harness.publish(["600519": 1511, "601318": 53])
        #expect(!second.contains { if case .notifyWhenDrained = $0 { true } else { false } }, "asked once")
        #expect(harness.core.stats.conflated == 1, "the older 600519 was superseded")
    }

    @Test func aTickNumberHandedOverAgainNeverSendsAHeldBackClientAHead() {
        let harness = CoreHarness()
        let client = subscribedToSH(harness)
        let other = subscribedToSH(harness)
        #expect(harness.publish(["600519": 1510]).updates(to: client).count == 1)
        harness.full = [client]
        let again = harness.publish(["600519": 1511], sameTick: true)
        #expect(again.updates(to: other).map(\.prices) == [["600519": 1511]])
        #expect(again.updates(to: client).isEmpty, "held back, not sent with its old seq")
    }

    @Test func afterTheDrainOneUpdateCarriesTheNewestPricesInSeq() {
        let harness = CoreHarness()
        let client = subscribedToSH(harness)
        harness.full = [client]
        harness.publish(["600519": 1510])
        harness.publish(["600519": 1511, "601318": 53])
        harness.full = []
        harness.core.drained(client, now: harness.now, into: &harness.actions)
        let updates = harness.take().updates(to: client)
        #expect(updates.count == 1)
        #expect(updates[0].prices == ["600519": 1511, "601318": 53])
        #expect(updates[0].json["snapshot"]?.boolValue == false)
        #expect(updates[0].seq == 2, "the snapshot was 1; nothing skipped")
    }

    @Test func aTickThatCarriesEverythingHeldBackServesAsTheCatchUp() {
        let harness = CoreHarness()
        let client = subscribedToSH(harness)
        harness.full = [client]
        harness.publish(["600519": 1510])
        harness.full = []
        let updates = harness.publish(["600519": 1512, "601318": 54]).updates(to: client)
        #expect(updates.count == 1)
        #expect(updates[0].prices == ["600519": 1512, "601318": 54])
        harness.core.drained(client, now: harness.now, into: &harness.actions)
        #expect(harness.take().updates(to: client).isEmpty, "nothing left to catch up")
    }

    @Test func aTickThatMissesSomethingHeldBackCatchesUpAlone() {
        let harness = CoreHarness()
        let client = subscribedToSH(harness)
        harness.full = [client]
        harness.publish(["600519": 1510])
        harness.full = []
        let updates = harness.publish(["601318": 55]).updates(to: client)
        #expect(updates.count == 1)
        #expect(updates[0].prices == ["600519": 1510, "601318": 55])
    }

    @Test func manualPushesAndSnapshotsToAFullQueueAreHeldBackToo() {
        let harness = CoreHarness()
        let client = subscribedToSH(harness)
        harness.full = [client]
        for _ in 0..<50 {
            #expect(harness.push(["600519"]).actions.updates(to: client).isEmpty)
        }
        #expect(
            harness.send(client, #"{"type":"subscribe","subscription_type":"market","target":"HK"}"#).updates(to: client)
                .isEmpty)
        harness.full = []
        harness.core.drained(client, now: harness.now, into: &harness.actions)
        let updates = harness.take().updates(to: client)
        #expect(updates.map { $0.codes.sorted() } == [["00700", "09988", "600519"]], "one catch-up, each stock once")
    }

    @Test func otherClientsOfTheGroupAreNotHeldBack() {
        let harness = CoreHarness()
        let slow = subscribedToSH(harness)
        let fast = subscribedToSH(harness)
        harness.full = [slow]
        let actions = harness.publish(["600519": 1513])
        #expect(actions.updates(to: fast).count == 1)
        #expect(actions.updates(to: slow).isEmpty)
    }
}
