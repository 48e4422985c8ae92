import JSON
import Testing

@testable import StockPush

@Suite struct ControlMessageTests {
    @Test func everyOperationRoundTrips() throws {
        for operation in ControlMessage.Operation.allCases {
            for kind in [ControlMessage.Kind.request, .reply] {
                let message = ControlMessage(
                    kind: kind, requestID: "node-1-7", from: "node-1", operation: operation,
                    body: .object([("client_id", .string("c_node-2_1a")), ("codes", .array([.string("AAPL")]))]))
                #expect(try ControlMessage(decoding: message.encoded()) == message)
            }
        }
    }

    @Test func theWireFormatIsReadableJSON() {
        let message = ControlMessage(kind: .request, requestID: "n-1", from: "n", operation: .stats)
        #expect(
            String(decoding: message.encoded(), as: UTF8.self)
                == #"{"type":"request","id":"n-1","from":"n","op":"stats","body":{}}"#)
    }

    @Test(arguments: [
        ("", "not JSON"), ("nope", "not JSON"), ("[]", "no string field type"),
        (#"{"type":"request","id":"x","from":"n","body":{}}"#, "no string field op"),
        (#"{"type":"order","id":"x","from":"n","op":"stats","body":{}}"#, "unknown type 'order'"),
        (#"{"type":"request","id":"x","from":"n","op":"reboot","body":{}}"#, "unknown op 'reboot'"),
        (#"{"type":"request","id":"x","from":"a_b","op":"stats","body":{}}"#, "unknown from 'a_b'"),
        (#"{"type":"request","id":"","from":"n","op":"stats","body":{}}"#, "no string field id"),
        (#"{"type":"request","id":"x","from":"n","op":"stats","body":[]}"#, "no string field body"),
        (#"{"type":"request","id":"x","from":"n","op":"stats"}"#, "no string field body"),
    ])
    func whatIsNotAControlMessageSaysWhy(_ text: String, _ reason: String) {
        do {
            _ = try ControlMessage(decoding: Array(text.utf8))
            Issue.record("\(text) decoded")
        } catch {
            #expect(error.description.hasPrefix(reason), "\(error)")
        }
    }

    @Test func deepNestingIsRefusedNotRecursedInto() {
        #expect(throws: ControlMessage.DecodeError.self) {
            try ControlMessage(decoding: Array(String(repeating: "[", count: 100_000).utf8))
        }
    }
}
