import JSON
import PushProtocol
import Testing

@Suite struct ResumeRequestTests {
    @Test func resumeWithTokenAndLastSeq() {
        let parsed = Support.request(#"{"type":"resume","token":"abc","last_seq":41,"id":2}"#)
        #expect(parsed == ParsedRequest(id: .number(2), request: .resume(token: "abc", lastSeq: 41)))
    }

    @Test func lastSeqIsOptional() {
        #expect(Support.request(#"{"type":"resume","token":"abc"}"#)?.request == .resume(token: "abc", lastSeq: nil))
        #expect(Support.request(#"{"type":"resume","token":"abc","last_seq":0}"#)?.request == .resume(token: "abc", lastSeq: 0))
    }

    @Test(arguments: [
        (#""last_seq":1"#, #"missing field "token" (the resume_token of a connected message)"#),
        (#""token":7"#, #""token" must be a non-empty string"#),
        (#""token":"""#, #""token" must be a non-empty string"#),
        (#""token":null"#, #""token" must be a non-empty string"#),
        (#""token":"t","last_seq":-1"#, #""last_seq" must be a non-negative integer"#),
        (#""token":"t","last_seq":1.5"#, #""last_seq" must be a non-negative integer"#),
        (#""token":"t","last_seq":"3""#, #""last_seq" must be a non-negative integer"#),
        (#""token":"t","last_seq":1e300"#, #""last_seq" must be a non-negative integer"#),
    ])
    func malformedResumesAreInvalidMessages(_ fields: String, _ message: String) {
        let error = Support.error(#"{"type":"resume",\#(fields),"id":"r"}"#)
        #expect(error == ProtocolError(code: .invalidMessage, message: message, id: .string("r")))
    }

    @Test func tokensRoundTripThroughTheirText() throws {
        let token = ResumeToken(high: 0x0123_4567_89ab_cdef, low: 0xfedc_ba98_7654_3210)
        #expect(token.description == "0123456789abcdeffedcba9876543210")
        #expect(ResumeToken(token.description) == token)
        let small = ResumeToken(high: 0, low: 1)
        #expect(small.description == "00000000000000000000000000000001")
        #expect(ResumeToken(small.description) == small)
    }

    @Test(arguments: [
        "", "0123456789abcdeffedcba987654321", "0123456789abcdeffedcba98765432100", "0123456789ABCDEFFEDCBA9876543210",
        "0123456789abcdeffedcba987654321g", "0123456789abcdef-edcba9876543210",
    ])
    func onlyTheExactTextFormParses(_ text: String) {
        #expect(ResumeToken(text) == nil)
    }

    @Test func resumedListsTheSubscriptionsAndTheSeq() {
        let text = ServerMessage.resumed(
            subscriptions: [.init(.stock, "600519"), .init(.strategy, "blue_chips")], dropped: [.init(.stock, "GONE")],
            seq: 42, id: .number(3))
        #expect(
            Support.text(text)
                == #"{"type":"resumed","subscriptions":[{"subscription_type":"stock","target":"600519"},{"subscription_type":"strategy","target":"blue_chips"}],"dropped":[{"subscription_type":"stock","target":"GONE"}],"seq":42,"id":3}"#
        )
        let plain = ServerMessage.resumed(subscriptions: [], dropped: [], seq: 0, id: nil)
        #expect(Support.text(plain) == #"{"type":"resumed","subscriptions":[],"seq":0}"#)
    }
}
