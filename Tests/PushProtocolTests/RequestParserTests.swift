import JSON
import Market
import PushProtocol
import Testing

@Suite struct RequestParserTests {
    @Test func subscribeWithOneTarget() {
        let parsed = Support.request(#"{"type":"subscribe","subscription_type":"strategy","target":"volume_wave","id":7}"#)
        #expect(parsed == ParsedRequest(id: .number(7), request: .subscribe(.strategy, targets: ["volume_wave"])))
    }

    @Test func subscribeWithTargetsKeepsOrderAndDropsDuplicates() {
        let parsed = Support.request(
            #"{"type":"subscribe","subscription_type":"stock","targets":["600519","000858","600519","AAPL","000858"]}"#)
        #expect(parsed == ParsedRequest(id: nil, request: .subscribe(.stock, targets: ["600519", "000858", "AAPL"])))
    }

    @Test func everySubscriptionTypeIsAccepted() {
        for type in SubscriptionType.allCases {
            let parsed = Support.request(#"{"type":"unsubscribe","subscription_type":"\#(type.rawValue)","target":"x"}"#)
            #expect(parsed?.request == .unsubscribe(type, targets: ["x"]))
        }
    }

    @Test func simpleTypes() {
        #expect(Support.request(#"{"type":"ping"}"#) == ParsedRequest(id: nil, request: .ping))
        #expect(Support.request(#"{"type":"get_status","id":"s1"}"#) == ParsedRequest(id: .string("s1"), request: .getStatus))
        // Unknown extra fields are ignored: the contract lets clients add their own.
        #expect(Support.request(#"{"type":"ping","trace":{"a":1}}"#)?.request == .ping)
    }

    @Test(arguments: [
        #"7"#, #""abc""#, #"null"#, #"true"#, #"1.5"#, #"[1,2]"#, #"{"nested":{"deep":[null]}}"#, #"-0.25"#,
    ])
    func anyIDIsEchoed(_ idText: String) throws {
        let id = try #require(Support.json(idText))
        let ok = Support.request(#"{"type":"ping","id":\#(idText)}"#)
        #expect(ok?.id == id)
        let failed = Support.error(#"{"type":"nope","id":\#(idText)}"#)
        #expect(failed?.id == id)
        #expect(failed?.code == .unknownType)
    }

    @Test func notificationsTakeNoTarget() {
        #expect(
            Support.request(#"{"type":"subscribe","subscription_type":"notifications","id":3}"#)
                == ParsedRequest(id: .number(3), request: .subscribeNotifications))
        #expect(
            Support.request(#"{"type":"unsubscribe","subscription_type":"notifications"}"#)?.request
                == .unsubscribeNotifications)
    }

    @Test func anAckListsQueueIdsOnceEach() {
        #expect(
            Support.request(#"{"type":"ack","ids":["17-0","18-2","17-0"],"id":"a"}"#)
                == ParsedRequest(id: .string("a"), request: .ack(ids: ["17-0", "18-2"])))
    }

    @Test(arguments: [
        (#"{"type":"ack"}"#, #"missing field "ids" (an array of notification ids)"#),
        (#"{"type":"ack","ids":"17-0"}"#, #"missing field "ids" (an array of notification ids)"#),
        (#"{"type":"ack","ids":[]}"#, #""ids" must hold 1 to 1000 notification ids"#),
        (#"{"type":"ack","ids":["17-0",5]}"#, #"ids[1] is not a notification id (like "1733400000000-0")"#),
        (#"{"type":"ack","ids":["17-0","+"]}"#, #"ids[1] is not a notification id (like "1733400000000-0")"#),
    ])
    func malformedAcksAreRefused(_ text: String, _ message: String) {
        #expect(Support.error(text) == ProtocolError(code: .invalidMessage, message: message))
    }

    @Test func unsubscribeAll() {
        #expect(
            Support.request(#"{"type":"unsubscribe","all":true,"id":9}"#)
                == ParsedRequest(id: .number(9), request: .unsubscribeAll))
        // all:false is an ordinary unsubscribe and needs its fields.
        #expect(
            Support.request(#"{"type":"unsubscribe","all":false,"subscription_type":"market","target":"SH"}"#)?
                .request == .unsubscribe(.market, targets: ["SH"]))
        let missing = Support.error(#"{"type":"unsubscribe","all":false}"#)
        #expect(missing?.code == .invalidMessage)
        #expect(missing?.message.contains("subscription_type") == true)
        #expect(
            Support.error(#"{"type":"unsubscribe","all":"yes"}"#)
                == ProtocolError(code: .invalidMessage, message: #""all" must be a boolean"#))
        #expect(Support.error(#"{"type":"unsubscribe","all":true,"target":"x"}"#)?.code == .invalidMessage)
        // `all` means nothing to subscribe.
        #expect(Support.error(#"{"type":"subscribe","all":true}"#)?.code == .invalidMessage)
    }

    @Test func notJSON() {
        for text in ["", "{", "hello", #"{"type":"ping",}"#, "{\"type\":\"ping\"} x"] {
            let error = Support.error(text)
            #expect(error?.code == .invalidJSON, "\(text)")
            #expect(error?.id == nil)
            #expect(error?.message.hasPrefix("invalid JSON: ") == true)
        }
        let bad = RequestParser.parse([0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D])
        #expect(bad.failureCode == .invalidJSON)
    }

    @Test func notAnObject() {
        for text in ["[]", "1", #""ping""#, "null", #"[{"type":"ping"}]"#] {
            #expect(Support.error(text) == ProtocolError(code: .invalidMessage, message: "message must be a JSON object"))
        }
    }

    @Test func typeProblems() {
        #expect(
            Support.error(#"{"id":3}"#)
                == ProtocolError(code: .invalidMessage, message: #"missing field "type""#, id: .number(3)))
        #expect(
            Support.error(#"{"type":5,"id":3}"#)
                == ProtocolError(code: .invalidMessage, message: #""type" must be a string"#, id: .number(3)))
        #expect(
            Support.error(#"{"type":"PING"}"#)
                == ProtocolError(
                    code: .unknownType,
                    message: #"unknown type "PING"; expected one of subscribe, unsubscribe, ping, get_status, ack, resume"#))
    }

    @Test func subscriptionTypeProblems() {
        let allowed = "subscription_type must be one of strategy, stock, market, notifications"
        #expect(
            Support.error(#"{"type":"subscribe","subscription_type":"symbol","target":"x","id":1}"#)
                == ProtocolError(code: .invalidMessage, message: allowed, id: .number(1)))
        #expect(Support.error(#"{"type":"subscribe","subscription_type":["stock"],"target":"x"}"#)?.message == allowed)
        #expect(
            Support.error(#"{"type":"subscribe","target":"x"}"#)?.message
                == #"missing field "subscription_type"; it must be one of strategy, stock, market, notifications"#)
    }

    @Test(arguments: [
        (#""target":5"#, #""target" must be a string"#),
        (#""target":null"#, #""target" must be a string"#),
        (#""target":"""#, #""target" must not be empty"#),
        (#""targets":"a""#, #""targets" must be an array of strings"#),
        (#""targets":[]"#, #""targets" must not be empty"#),
        (#""targets":["a",2]"#, "targets[1] must be a string"),
        (#""targets":["a","b",""]"#, "targets[2] must not be empty"),
        (#""target":"a","targets":["b"]"#, #"give either "target" or "targets", not both"#),
        (#""other":1"#, #"missing field "target" (a string) or "targets" (an array of strings)"#),
    ])
    func targetProblems(_ fields: String, _ message: String) {
        let error = Support.error(#"{"type":"subscribe","subscription_type":"stock",\#(fields),"id":"r"}"#)
        #expect(error == ProtocolError(code: .invalidMessage, message: message, id: .string("r")))
    }

    /// The parser takes batches of any size; the subscription limit is applied per
    /// target by the session, so a batch past it is not refused whole.
    @Test func largeBatchesParseInOrderWithoutDuplicates() {
        let targets = (0..<1500).map { "\"s\($0)\"" }.joined(separator: ",")
        let parsed = Support.request(#"{"type":"subscribe","subscription_type":"stock","targets":[\#(targets),"s0"]}"#)
        #expect(parsed?.request == .subscribe(.stock, targets: (0..<1500).map { "s\($0)" }))
    }

    @Test func duplicateKeysUseTheFirst() {
        #expect(Support.request(#"{"type":"ping","type":"get_status"}"#)?.request == .ping)
    }

    @Test func unicodeTargetsSurvive() {
        #expect(
            Support.request(#"{"type":"subscribe","subscription_type":"strategy","target":"\u6ce2\u52a8 wave"}"#)?
                .request == .subscribe(.strategy, targets: ["波动 wave"]))
    }
}

extension Result where Failure == ProtocolError {
    var failureCode: ErrorCode? {
        if case .failure(let error) = self { return error.code }
        return nil
    }
}
