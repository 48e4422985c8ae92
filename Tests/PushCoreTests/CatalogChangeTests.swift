import JSON
import Market
import PushCore
import Testing

/// A catalog edit reaches subscribers explicitly: `subscription_changed`, then a
/// snapshot of the added stocks; removed ones stop unless another key covers them.
@Suite struct CatalogChangeTests {
    static func catalog(blueChips: [String]?, version: Int = 2) -> Catalog {
        let base = CoreHarness.catalog
        var strategies: [String: [String]] = ["empty": []]
        if let blueChips { strategies["blue_chips"] = blueChips }
        return Catalog(
            markets: Array(base.markets.values), stocks: Array(base.stocks.values), strategies: strategies,
            version: version)
    }

    @Test func anEditedStrategyIsAnnouncedThenAddedStocksAreSnapshotted() {
        let harness = CoreHarness()
        let client = harness.open()
        let other = harness.open()
        harness.send(client, #"{"type":"subscribe","subscription_type":"strategy","target":"blue_chips"}"#)
        harness.send(other, #"{"type":"subscribe","subscription_type":"stock","target":"601318"}"#)
        harness.core.catalogChanged(
            Self.catalog(blueChips: ["600519", "601318", "09988"]), now: harness.now, into: &harness.actions)
        let actions = harness.take()
        let messages = actions.messages(to: client)
        #expect(messages.map(\.type) == ["subscription_changed", "price_update"])
        let change = messages[0].json
        #expect(change["target"]?.stringValue == "blue_chips")
        #expect(change["added"]?.arrayValue?.compactMap(\.stringValue) == ["09988", "601318"])
        #expect(change["removed"]?.arrayValue?.compactMap(\.stringValue) == ["00700"])
        #expect(change["stocks"]?.arrayValue?.compactMap(\.stringValue) == ["600519", "601318", "09988"])
        #expect(messages[1].json["snapshot"]?.boolValue == true)
        #expect(messages[1].codes == ["09988", "601318"])
        #expect(actions.messages(to: other).isEmpty, "its target did not change")
        let tick = harness.publish(["00700": 301, "09988": 81])
        #expect(tick.updates(to: client).map(\.codes) == [["09988"]], "the removed stock no longer comes")
        let status = harness.send(client, #"{"type":"get_status"}"#).messages(to: client)
        #expect(status.first?.json["subscriptions"]?.arrayValue?.count == 1)
    }

    @Test func aRemovedStockStillCoveredByAnotherSubscriptionKeepsComing() {
        let harness = CoreHarness()
        let client = harness.open()
        harness.send(client, #"{"type":"subscribe","subscription_type":"strategy","target":"blue_chips"}"#)
        harness.send(client, #"{"type":"subscribe","subscription_type":"market","target":"HK"}"#)
        harness.core.catalogChanged(Self.catalog(blueChips: ["600519"]), now: harness.now, into: &harness.actions)
        let messages = harness.take().messages(to: client)
        #expect(messages.map(\.type) == ["subscription_changed"], "nothing added: no snapshot")
        #expect(harness.publish(["00700": 301]).updates(to: client).map(\.codes) == [["00700"]])
    }

    @Test func aDeletedStrategyRemovesEverythingButTheSubscriptionIsKept() {
        let harness = CoreHarness()
        let client = harness.open()
        harness.send(client, #"{"type":"subscribe","subscription_type":"strategy","target":"blue_chips"}"#)
        harness.core.catalogChanged(Self.catalog(blueChips: nil), now: harness.now, into: &harness.actions)
        let change = harness.take().messages(to: client)
        #expect(change.map(\.type) == ["subscription_changed"])
        #expect(change.first?.json["removed"]?.arrayValue?.count == 2)
        #expect(change.first?.json["stocks"]?.arrayValue?.isEmpty == true)
        #expect(harness.publish(["600519": 1501]).updates(to: client).isEmpty)
        harness.core.catalogChanged(
            Self.catalog(blueChips: ["600519"], version: 3), now: harness.now, into: &harness.actions)
        let back = harness.take().messages(to: client)
        #expect(back.map(\.type) == ["subscription_changed", "price_update"], "it resumes when the target returns")
        #expect(back.last?.codes == ["600519"])
    }

    @Test func anUnchangedCatalogSendsNothing() {
        let harness = CoreHarness()
        let client = harness.open()
        harness.send(client, #"{"type":"subscribe","subscription_type":"strategy","target":"blue_chips"}"#)
        harness.core.catalogChanged(CoreHarness.catalog, now: harness.now, into: &harness.actions)
        #expect(harness.take().messages(to: client).isEmpty)
    }
}
