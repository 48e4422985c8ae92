import JSON
import Market
import PushProtocol
import Testing

@Suite struct ServerMessageTests {
    let stamp = "2026-11-21T10:30:00.123456Z"

    @Test func connected() {
        let bytes = ServerMessage.connected(clientID: "c_5f3a9e01", heartbeatInterval: 30, timestamp: Support.tickTime)
        #expect(
            Support.text(bytes)
                == #"{"type":"connected","client_id":"c_5f3a9e01","message":"connected","heartbeat_interval":30,"timestamp":"\#(stamp)"}"#
        )
    }

    @Test func subscribedAndUnsubscribed() {
        let key = SubscriptionKey(.strategy, "volume_wave")
        #expect(
            Support.text(ServerMessage.subscribed(key, stocks: ["600519", "000858"], id: .number(7)))
                == #"{"type":"subscribed","subscription_type":"strategy","target":"volume_wave","stocks":["600519","000858"],"id":7}"#
        )
        #expect(
            Support.text(ServerMessage.subscribed(key, stocks: [], id: nil))
                == #"{"type":"subscribed","subscription_type":"strategy","target":"volume_wave","stocks":[]}"#)
        #expect(
            Support.text(ServerMessage.unsubscribed(key, id: .number(8)))
                == #"{"type":"unsubscribed","subscription_type":"strategy","target":"volume_wave","id":8}"#)
        #expect(
            Support.text(ServerMessage.unsubscribedAll(count: 3, id: .number(9)))
                == #"{"type":"unsubscribed","all":true,"count":3,"id":9}"#)
    }

    @Test func pongEchoesAnyID() throws {
        #expect(
            Support.text(ServerMessage.pong(timestamp: Support.tickTime, id: nil))
                == #"{"type":"pong","timestamp":"\#(stamp)"}"#)
        let id = try #require(Support.json(#"{"k":[1,"two",null,true]}"#))
        let reply = try #require(Support.json(ServerMessage.pong(timestamp: 0, id: id)))
        #expect(reply["id"] == id)
        #expect(reply["timestamp"] == .string("1970-01-01T00:00:00.000000Z"))
        // An explicit null id was sent, so it is echoed.
        #expect(Support.text(ServerMessage.pong(timestamp: 0, id: .null)).hasSuffix(#","id":null}"#))
    }

    @Test func status() {
        let bytes = ServerMessage.status(
            clientID: "c_5f3a9e01", user: "alice", connectedAt: 1_763_720_000.123,
            subscriptions: [SubscriptionKey(.strategy, "volume_wave"), SubscriptionKey(.stock, "600519")],
            messageCount: 1250, timestamp: Support.tickTime, id: .string("q"))
        #expect(
            Support.text(bytes)
                == #"{"type":"status","client_id":"c_5f3a9e01","user":"alice","connected_at":1763720000.123,"#
                + #""subscriptions":[{"subscription_type":"strategy","target":"volume_wave"},{"subscription_type":"stock","target":"600519"}],"#
                + #""message_count":1250,"markets":{},"timestamp":"\#(stamp)","id":"q"}"#)
        let whole = ServerMessage.status(
            clientID: "c", user: "u", connectedAt: 1_763_720_000, subscriptions: [], messageCount: 0,
            timestamp: 0, id: nil)
        #expect(Support.text(whole).contains(#""connected_at":1763720000.000,"subscriptions":[],"#))
    }

    @Test func errors() {
        #expect(
            Support.text(ServerMessage.error(ProtocolError(code: .invalidJSON, message: "invalid JSON: x")))
                == #"{"type":"error","code":"invalid_json","message":"invalid JSON: x"}"#)
        let refused = ProtocolError.unknownTarget(SubscriptionKey(.strategy, "nope"), id: .number(7))
        #expect(
            Support.text(ServerMessage.error(refused))
                == #"{"type":"error","code":"unknown_target","message":"unknown strategy \"nope\"","id":7,"target":"nope"}"#)
        let limit = ProtocolError.tooManySubscriptions(target: "AAPL", limit: 200, id: nil)
        #expect(Support.json(ServerMessage.error(limit))?["code"] == .string("too_many_subscriptions"))
        #expect(Support.json(ServerMessage.error(.rateLimited(id: .string("a"))))?["id"] == .string("a"))
    }

    @Test func errorMessagesAreEscaped() {
        let error = ProtocolError(code: .unknownType, message: "unknown type \"\u{1}\\\n\"")
        let parsed = Support.json(ServerMessage.error(error))
        #expect(parsed?["message"] == .string("unknown type \"\u{1}\\\n\""))
    }

    @Test func errorCodesMatchTheContract() {
        #expect(
            [ErrorCode.invalidJSON, .invalidMessage, .unknownType, .unknownTarget, .rateLimited, .tooManySubscriptions]
                .map(\.rawValue)
                == [
                    "invalid_json", "invalid_message", "unknown_type", "unknown_target", "rate_limited", "too_many_subscriptions",
                ])
    }

    @Test func broadcastAndShutdown() {
        let data: JSONValue = .object([(key: "message", value: .string("hello 你好"))])
        #expect(
            Support.text(ServerMessage.broadcast(data: data, timestamp: Support.tickTime))
                == #"{"type":"broadcast","data":{"message":"hello 你好"},"timestamp":"\#(stamp)"}"#)
        #expect(
            Support.text(ServerMessage.serverShutdown(reconnectAfterMs: 2380, timestamp: Support.tickTime))
                == #"{"type":"server_shutdown","reconnect_after_ms":2380,"timestamp":"\#(stamp)"}"#)
    }

    @Test func runtimeTextIsEscaped() {
        let bytes = ServerMessage.connected(clientID: "c\"1\\", heartbeatInterval: 30, timestamp: 0)
        #expect(Support.json(bytes)?["client_id"] == .string("c\"1\\"))
    }
}
