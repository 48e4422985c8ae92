import JSON
import Testing

@testable import StockPush

@Suite struct AuditDetailTests {
    @Test func smallValuesAreWrittenAsTheyAre() throws {
        var detail = AuditDetail()
        detail.add("message", text: "a\u{2028}\"b\"")
        detail.add("sent", 3)
        let json = detail.json()
        #expect(json == #"{"message":"a\u2028\"b\"","sent":3}"#)
        #expect(try JSONParser.parse(json)["message"]?.stringValue == "a\u{2028}\"b\"")
    }

    /// A 1 MB broadcast keeps 1 KiB of its text, a marker and its size.
    @Test func hugeTextIsCutAtACharacterWithAMarkerAndItsSize() throws {
        let message = "x" + String(repeating: "市", count: 350_000)
        var detail = AuditDetail()
        detail.add("message", text: message)
        detail.add("sent", 0)
        let json = detail.json()
        #expect(json.utf8.count < AuditDetail.maxTextBytes + 100)
        let value = try JSONParser.parse(json)
        let kept = try #require(value["message"]?.stringValue)
        #expect(kept.hasSuffix("…"))
        #expect(message.hasPrefix(kept.dropLast()))
        #expect(kept.dropLast().utf8.count == 1 + (AuditDetail.maxTextBytes - 1) / 3 * 3)
        #expect(value["message_truncated"] == .bool(true))
        #expect(value["message_bytes"]?.doubleValue == Double(message.utf8.count))
        #expect(value["sent"]?.doubleValue == 0)
    }

    @Test func textOfExactlyTheLimitIsKeptWhole() throws {
        let text = String(repeating: "a", count: AuditDetail.maxTextBytes)
        var detail = AuditDetail()
        detail.add("query", text: text)
        #expect(try JSONParser.parse(detail.json()) == .object([(key: "query", value: .string(text))]))
    }

    /// A member change lists its users, but only the first few: a 1000-user request stays a small row.
    @Test func aListKeepsItsFirstItemsAndCountsTheRest() throws {
        var detail = AuditDetail()
        detail.add("users", list: (1...25).map { "u\($0)" }, maxItems: 20)
        let value = try JSONParser.parse(detail.json())
        #expect(value["users"]?.arrayValue?.compactMap(\.stringValue) == (1...20).map { "u\($0)" })
        #expect(value["users_count"]?.doubleValue == 25)
        var short = AuditDetail()
        short.add("users", list: ["a\"b"])
        #expect(try JSONParser.parse(short.json()) == .object([(key: "users", value: .array([.string("a\"b")]))]))
    }
}
