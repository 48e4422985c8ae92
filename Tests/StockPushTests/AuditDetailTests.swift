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
}
