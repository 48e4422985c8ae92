import JSON
import PushProtocol
import Testing

@testable import StockPush

private enum Support {
    /// 2026-11-21T10:30:00.123456Z in microseconds since the epoch.
    static let tickTime: Int64 = 1_795_257_000_123_456
    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
    static func json(_ bytes: [UInt8]) -> JSONValue? { try? JSONParser.parse(bytes) }
}

@Suite struct NotificationMessageTests {
    static let sample = Notification(
        title: "Analysis \"done\"", content: "Your backtest finished.\nSee the report.", kind: "analysis",
        link: "/reports/42", source: "backtester", createdAt: Support.tickTime)

    @Test func theMessageSplicesTheQueueIdIntoTheBodyEncodedOnce() throws {
        let message = ServerMessage.notification(id: "1795257000123-0", body: Self.sample.body)
        #expect(
            Support.text(message)
                == #"{"type":"notification","data":{"id":"1795257000123-0","title":"Analysis \"done\"","#
                + #""content":"Your backtest finished.\nSee the report.","type":"analysis","link":"/reports/42","#
                + #""source":"backtester","created_at":"2026-11-21T10:30:00.123456Z","status":"unread"}}"#)
        let data = try #require(Support.json(message)?["data"])
        #expect(data["title"]?.stringValue == "Analysis \"done\"")
        #expect(data["status"]?.stringValue == "unread")
    }

    @Test func aNotificationWithoutALinkSaysNull() throws {
        var plain = Self.sample
        plain.link = nil
        let message = ServerMessage.notification(id: "1-0", body: plain.body, read: true)
        let data = try #require(Support.json(message)?["data"])
        #expect(data["link"]?.isNull == true && data["status"]?.stringValue == "read")
    }

    @Test(arguments: ["1795257000123-0", "0-0", "1-18446744073709551615"])
    func streamIdsAreValid(id: String) {
        #expect(NotificationID.isValid(id))
    }

    @Test func idsAreOrderedByTimeThenSequence() {
        #expect(NotificationID.precedes("9-5", "10-0"), "numerically, not as text")
        #expect(NotificationID.precedes("10-2", "10-11"))
        #expect(!NotificationID.precedes("10-2", "10-2") && !NotificationID.precedes("11-0", "10-9"))
    }

    @Test(arguments: ["", "-", "1-", "-1", "1-2-3", "1795257000123", "12a-0", "+", "(1-0", "1-0 ", "123456789012345678901-0"])
    func anythingElseIsNot(id: String) {
        #expect(!NotificationID.isValid(id))
    }
}

@Suite struct NotificationRequestTests {
    func request(_ text: String) throws(NotificationRequest.Invalid) -> NotificationRequest {
        try NotificationRequest(json: try! JSONParser.parse(text))
    }

    func refusal(_ text: String) -> String? {
        do {
            _ = try request(text)
            return nil
        } catch {
            return error.field
        }
    }

    @Test func eachKindOfTargetWithDefaults() throws {
        let one = try request(#"{"user":"alice","title":"t","content":"c"}"#)
        #expect(one.target == .users(["alice"]) && one.kind == "info" && one.source == "system" && one.link == nil)
        #expect(try request(#"{"users":["a","b","a"],"title":"t","content":"c"}"#).target == .users(["a", "b"]))
        let group = try request(#"{"group":"traders","title":"t"}"#)
        #expect(group.target == .group("traders") && group.content == "", "a title alone is a notification")
        let all = try request(#"{"all":true,"title":"t","content":"c","type":"alert","link":null,"source":"ops"}"#)
        #expect(all.target == .everyone && all.kind == "alert" && all.source == "ops")
        #expect(all.notification(at: 7).createdAt == 7)
    }

    @Test func badBodiesNameTheFieldToFix() {
        #expect(refusal(#"[1]"#) == "body")
        #expect(refusal(#"{"title":"t","content":"c"}"#) == "target")
        #expect(refusal(#"{"user":"a","group":"g","title":"t","content":"c"}"#) == "target")
        #expect(refusal(#"{"all":false,"title":"t","content":"c"}"#) == "all")
        #expect(refusal(#"{"user":"","title":"t","content":"c"}"#) == "user")
        #expect(refusal(#"{"users":[],"title":"t","content":"c"}"#) == "users")
        #expect(refusal(#"{"users":["a",1],"title":"t","content":"c"}"#) == "users")
        #expect(refusal(#"{"user":"a\u0001b","title":"t"}"#) == "user", "a user id has no control characters")
        #expect(refusal(#"{"users":["a","b\u0000"],"title":"t"}"#) == "users")
        #expect(refusal(#"{"group":"Not A Group!","title":"t"}"#) == "group", "a group name as groups have them")
        #expect(refusal(#"{"user":"a","content":"c"}"#) == "title")
        #expect(refusal(#"{"user":"a","title":"","content":"c"}"#) == "title")
        #expect(refusal(#"{"user":"a","title":"t","content":["c"]}"#) == "content")
        #expect(refusal(#"{"user":"a","title":"t","content":"c","link":5}"#) == "link")
        let long = String(repeating: "x", count: NotificationRequest.maxTitle + 1)
        #expect(refusal(#"{"user":"a","title":"\#(long)","content":"c"}"#) == "title")
    }
}
