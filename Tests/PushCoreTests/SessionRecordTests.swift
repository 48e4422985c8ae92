import Market
import PushCore
import Testing

@Suite struct SessionRecordTests {
    @Test func roundTripsThroughItsJSON() {
        let record = SessionRecord(
            user: "al\"ice", subscriptions: [.init(.stock, "600519"), .init(.market, "HK")], seq: 77, instance: "node-1")
        #expect(
            String(decoding: record.json, as: UTF8.self)
                == #"{"user":"al\"ice","subscriptions":[{"subscription_type":"stock","target":"600519"},{"subscription_type":"market","target":"HK"}],"seq":77,"instance":"node-1"}"#
        )
        #expect(SessionRecord(json: record.json) == record)
        var notified = record
        notified.notifications = true
        #expect(String(decoding: notified.json, as: UTF8.self).hasSuffix(#","instance":"node-1","notifications":true}"#))
        #expect(SessionRecord(json: notified.json) == notified)
    }

    @Test func aNewerWritersFieldsAndKindsAreSkipped() {
        let text =
            #"{"user":"u","subscriptions":[{"subscription_type":"fund","target":"x"},{"subscription_type":"stock","target":"1"}],"seq":3,"notifications":true,"later":[1]}"#
        #expect(
            SessionRecord(json: Array(text.utf8))
                == SessionRecord(user: "u", subscriptions: [.init(.stock, "1")], seq: 3, instance: "", notifications: true))
    }

    @Test(arguments: ["", "[]", #"{"subscriptions":[]}"#, #"{"user":"u"}"#, #"{"user":1,"subscriptions":[]}"#])
    func whatIsNotARecordReadsAsNone(_ text: String) {
        #expect(SessionRecord(json: Array(text.utf8)) == nil)
    }
}
