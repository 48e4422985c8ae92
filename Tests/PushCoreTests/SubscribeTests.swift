import PushCore
import Testing

@Suite struct SubscribeTests {
    @Test func openGreetsTheClientWithItsID() {
        let harness = CoreHarness()
        let info = ClientInfo(
            instance: "t", connection: 1, user: "u", authenticated: false, remoteAddress: "a", connectedAt: 0)
        let id = harness.core.open(info, now: harness.now, into: &harness.actions)
        let greeting = harness.take().messages(to: id)
        #expect(greeting.map(\.type) == ["connected"])
        #expect(greeting.first?.json["client_id"]?.stringValue == "c_t_1")
    }

    @Test func subscribeConfirmsThenSendsOneSnapshotOfTheCoveredStocks() {
        let harness = CoreHarness()
        let client = harness.open()
        let messages = harness.send(client, #"{"type":"subscribe","subscription_type":"strategy","target":"blue_chips"}"#)
            .messages(to: client)
        #expect(messages.map(\.type) == ["subscribed", "price_update"])
        #expect(messages[0].json["stocks"]?.arrayValue?.compactMap(\.stringValue) == ["600519", "00700"])
        #expect(messages[1].json["snapshot"]?.boolValue == true)
        #expect(messages[1].codes == ["00700", "600519"], "snapshots are in code order")
        #expect(messages[1].seq == 1)
    }

    @Test func aBatchSharesOneSnapshotWithEachStockOnce() {
        let harness = CoreHarness()
        let client = harness.open()
        let messages = harness.send(
            client, #"{"type":"subscribe","subscription_type":"stock","targets":["600519","00700","09988"],"id":7}"#
        ).messages(to: client)
        #expect(messages.map(\.type) == ["subscribed", "subscribed", "subscribed", "price_update"])
        #expect(messages.allSatisfy { $0.type == "price_update" || $0.json["id"]?.intValue == 7 }, "replies echo the id")
        #expect(messages[3].codes == ["00700", "09988", "600519"])
    }

    @Test func unknownTargetsAreRefusedOneByOneAndTheRestAccepted() {
        let harness = CoreHarness()
        let client = harness.open()
        let messages = harness.send(
            client, #"{"type":"subscribe","subscription_type":"stock","targets":["nope","600519"]}"#
        ).messages(to: client)
        #expect(messages.map(\.type) == ["error", "subscribed", "price_update"])
        #expect(messages[0].json["code"]?.stringValue == "unknown_target")
        #expect(messages[0].json["target"]?.stringValue == "nope")
    }

    @Test func targetsPastTheLimitAreRefusedOneByOneNotTheWholeBatch() {
        var configuration = PushCoreConfiguration()
        configuration.maxSubscriptions = 2
        let harness = CoreHarness(configuration: configuration)
        let client = harness.open()
        let messages = harness.send(
            client, #"{"type":"subscribe","subscription_type":"stock","targets":["600519","601318","00700","09988"]}"#
        ).messages(to: client)
        #expect(messages.map(\.type) == ["subscribed", "subscribed", "error", "error", "price_update"])
        #expect(messages[2...3].map { $0.json["target"]?.stringValue } == ["00700", "09988"])
        #expect(messages[2...3].allSatisfy { $0.json["code"]?.stringValue == "too_many_subscriptions" })
        #expect(messages[4].codes == ["600519", "601318"])
    }

    @Test func subscribesBeforeTheCatalogLoadsWaitForItInsteadOfBeingCalledUnknown() {
        var configuration = PushCoreConfiguration()
        configuration.maxPendingRequests = 1
        let harness = CoreHarness(configuration: configuration, catalogLoaded: false)
        let client = harness.open()
        let early = #"{"type":"subscribe","subscription_type":"strategy","target":"blue_chips"}"#
        #expect(harness.send(client, early).isEmpty, "held, not refused")
        let overflow = harness.send(client, early).messages(to: client)
        #expect(overflow.map { $0.json["code"]?.stringValue } == ["not_ready"], "past the cap: a retryable error")
        harness.core.catalogChanged(CoreHarness.catalog, now: harness.now, into: &harness.actions)
        #expect(harness.take().messages(to: client).map(\.type) == ["subscribed", "price_update"])
    }

    @Test func unsubscribeStopsUpdatesAndAllDropsEverything() {
        let harness = CoreHarness()
        let client = harness.open()
        harness.send(client, #"{"type":"subscribe","subscription_type":"stock","targets":["600519","00700"]}"#)
        let reply = harness.send(client, #"{"type":"unsubscribe","subscription_type":"stock","target":"600519"}"#)
        #expect(reply.messages(to: client).map(\.type) == ["unsubscribed"])
        #expect(harness.publish(["600519": 1501, "00700": 301]).updates(to: client).map(\.codes) == [["00700"]])
        let all = harness.send(client, #"{"type":"unsubscribe","all":true}"#).messages(to: client)
        #expect(all.first?.json["count"]?.intValue == 1)
        #expect(harness.publish(["00700": 302]).updates(to: client).isEmpty)
    }

    @Test func statusReportsSubscriptionsAndMessagesSent() {
        let harness = CoreHarness()
        let client = harness.open(9)
        harness.send(client, #"{"type":"subscribe","subscription_type":"market","target":"HK"}"#)
        let status = harness.send(client, #"{"type":"get_status","id":"s"}"#).messages(to: client)[0]
        #expect(status.json["client_id"]?.stringValue == "c_t_9")
        #expect(status.json["subscriptions"]?.arrayValue?.count == 1)
        #expect(status.json["message_count"]?.intValue == 3, "connected, subscribed, snapshot")
        #expect(status.json["id"]?.stringValue == "s")
    }

    @Test func badJSONGetsAnErrorAndCostsNothingElse() {
        let harness = CoreHarness()
        let client = harness.open()
        let replies = harness.send(client, "{nope").messages(to: client)
        #expect(replies.map { $0.json["code"]?.stringValue } == ["invalid_json"])
        #expect(harness.core.stats.errors["invalid_json"] == 1)
        #expect(harness.core.clientCount == 1)
    }
}
