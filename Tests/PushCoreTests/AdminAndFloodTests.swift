import Buffers
import PushCore
import PushProtocol
import Testing
import WebSocket

@Suite struct AdminAndFloodTests {
    @Test func aPushReachesOnlyClientsThatCoverItsStocks() {
        let harness = CoreHarness()
        let sh = harness.open()
        let hk = harness.open()
        harness.send(sh, #"{"type":"subscribe","subscription_type":"market","target":"SH"}"#)
        harness.send(hk, #"{"type":"subscribe","subscription_type":"market","target":"HK"}"#)
        let (reached, actions) = harness.push(["600519", "601318"])
        #expect(reached == 1)
        #expect(actions.updates(to: sh).map(\.codes) == [["600519", "601318"]])
        #expect(actions.updates(to: sh).first?.json["snapshot"]?.boolValue == true)
        #expect(actions.updates(to: hk).isEmpty)
    }

    @Test func theSubscriptionTotalIsTheSumOfThePerKeyCounts() {
        let harness = CoreHarness()
        let a = harness.open()
        let b = harness.open()
        harness.send(a, #"{"type":"subscribe","subscription_type":"market","target":"SH"}"#)
        harness.send(b, #"{"type":"subscribe","subscription_type":"market","target":"SH"}"#)
        harness.send(b, #"{"type":"subscribe","subscription_type":"market","target":"HK"}"#)
        #expect(harness.core.subscriptionTotal == 3)
        #expect(harness.core.subscriptionTotal == harness.core.subscriptionCounts.values.reduce(0, +))
        harness.core.release(b)
        #expect(harness.core.subscriptionTotal == 1)
    }

    @Test func aBroadcastGoesToEveryClientAsOneSharedFrame() {
        let harness = CoreHarness()
        let clients = [harness.open(), harness.open(), harness.open()]
        let frame = FrameEncoder.sharedFrame(opcode: .text, payload: Array(#"{"type":"broadcast"}"#.utf8))
        #expect(harness.core.broadcast(frame: frame, into: &harness.actions) == 3)
        let actions = harness.take()
        #expect(clients.allSatisfy { actions.messages(to: $0).map(\.type) == ["broadcast"] })
    }

    @Test func aDisconnectedClientLeavesAtOnceAndASecondDisconnectFindsNothing() throws {
        let harness = CoreHarness()
        let client = harness.open(1)
        harness.open(2)
        let id = try #require(harness.core.find(clientID: "c_t_1"))
        #expect(harness.core.disconnect(id, into: &harness.actions))
        let actions = harness.take()
        #expect(actions.contains { if case .close(client, .admin) = $0 { true } else { false } })
        #expect(
            actions.contains { if case .forget(client, let info, _) = $0 { info.clientID == "c_t_1" } else { false } },
            "the shell is told to free what it holds for the client")
        #expect(harness.core.find(clientID: "c_t_1") == nil)
        #expect(harness.core.clientSummaries.map(\.info.clientID) == ["c_t_2"])
        #expect(!harness.core.disconnect(id, into: &harness.actions))
    }

    @Test func aReleasedSlotGoesToTheNextClientWithFreshState() {
        let harness = CoreHarness()
        let first = harness.open()
        harness.send(first, #"{"type":"subscribe","subscription_type":"market","target":"SH"}"#)
        harness.core.release(first)
        let second = harness.open()
        #expect(second == first, "the slot is reused")
        #expect(harness.core.subscriptionCounts.isEmpty)
        #expect(harness.publish(["600519": 1520]).isEmpty)
    }

    @Test func aFloodIsThrottledThenClosedAfterTenSecondsWithoutABreak() {
        var configuration = PushCoreConfiguration()
        configuration.rateLimit = 1
        configuration.rateBurst = 1
        let harness = CoreHarness(configuration: configuration)
        let client = harness.open()
        let ping = #"{"type":"ping","id":1}"#
        #expect(harness.send(client, ping).messages(to: client).map(\.type) == ["pong"])
        let throttled = harness.send(client, ping).messages(to: client)
        #expect(throttled.map { $0.json["code"]?.stringValue } == ["rate_limited"])
        #expect(throttled.first?.json["id"]?.intValue == 1, "the reply echoes the dropped message's id")
        var closed = false
        for _ in 0..<25 where !closed {
            harness.advance(seconds: 0.5)
            let actions = harness.send(client, ping)
            closed = actions.contains { if case .close(client, .flood) = $0 { true } else { false } }
            if closed { #expect(actions.contains { if case .forget(client, _, _) = $0 { true } else { false } }) }
        }
        #expect(closed)
        #expect(harness.core.clientCount == 0, "a closed client is released at once")
        #expect(harness.core.stats.floodCloses == 1)
    }
}
