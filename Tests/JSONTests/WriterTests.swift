import Buffers
import Testing

@testable import JSON

@Suite struct WriterTests {
    @Test func commasAndNesting() {
        let text = Support.text { writer in
            writer.beginObject()
            writer.key("type")
            writer.string("price_update")
            writer.key("quotes")
            writer.beginArray()
            writer.beginObject()
            writer.endObject()
            writer.beginArray()
            writer.endArray()
            writer.int(1)
            writer.null()
            writer.bool(true)
            writer.bool(false)
            writer.endArray()
            writer.key("ok")
            writer.bool(true)
            writer.endObject()
        }
        #expect(text == #"{"type":"price_update","quotes":[{},[],1,null,true,false],"ok":true}"#)
    }

    @Test func runtimeKeysAreEscaped() {
        let text = Support.text { writer in
            writer.beginObject()
            writer.key(escaping: "a\"b")
            writer.int(1)
            writer.endObject()
        }
        #expect(text == #"{"a\"b":1}"#)
    }

    @Test func nonASCIIIsWrittenRaw() throws {
        let text = "股票 🎉📈 Zürich 日本"
        let written = Support.text { $0.string(text) }
        #expect(written == "\"" + text + "\"")
        #expect(try JSONParser.parse(written) == .string(text))
    }

    @Test func stringFromUTF8Bytes() {
        let bytes: [UInt8] = Array("AAPL\n€".utf8)
        let text = bytes.withUnsafeBytes { raw in Support.text { $0.string(utf8: raw) } }
        #expect(text == "\"AAPL\\n€\"")
    }

    @Test func preEncodedMembersJoinTheOpenObject() {
        let members = Array(#""a":1,"b":"x""#.utf8)
        let text = Support.text { writer in
            writer.beginObject()
            members.withUnsafeBytes { writer.raw($0) }
            writer.key("c")
            writer.int(2)
            writer.endObject()
            writer.beginObject()
            writer.key("first")
            writer.int(0)
            members.withUnsafeBytes { writer.raw($0) }
            writer.endObject()
        }
        #expect(text == #"{"a":1,"b":"x","c":2},{"first":0,"a":1,"b":"x"}"#)
    }

    @Test func rawFragments() {
        let quote = Array(#"{"symbol":"AAPL","price":1850.50}"#.utf8)
        let text = quote.withUnsafeBytes { raw in
            Support.text { writer in
                writer.beginArray()
                writer.raw(raw)
                writer.raw(raw)
                writer.endArray()
            }
        }
        #expect(text == #"[{"symbol":"AAPL","price":1850.50},{"symbol":"AAPL","price":1850.50}]"#)
    }

    @Test(arguments: [
        (0, "0"), (7, "7"), (-7, "-7"), (10, "10"), (1_000_000, "1000000"), (-1_234_567_890, "-1234567890"),
        (Int.max, "9223372036854775807"), (Int.min, "-9223372036854775808"),
    ])
    func ints(value: Int, expected: String) {
        #expect(Support.text { $0.int(value) } == expected)
        #expect(String(value) == expected)
    }

    @Test func doublesMatchDescription() throws {
        var values: [Double] = [
            0, -0.0, 1, -1, 0.1, 0.2, 0.30000000000000004, 1805, 1850.5, 1e-4, 1.5e-4, 9.99e-5, 1e-5,
            123456.789, 1e15, 1e16, 1e17, 9007199254740991, 9007199254740992, 1e300, .leastNonzeroMagnitude,
            .greatestFiniteMagnitude, .leastNormalMagnitude, 2.5e-7, 0.001, 100, 3.14159, -2.675,
        ]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            values.append(Double(bitPattern: generator.next()))
            values.append(Double.random(in: -1e6...1e6, using: &generator))
            values.append((Double.random(in: 0...1e7, using: &generator) * 100).rounded() / 100)
        }
        for value in values where value.isFinite {
            let text = Support.text { $0.double(value) }
            #expect(text == value.description, "\(value.description)")
            let parsed = try JSONParser.parse(text)
            #expect(parsed.doubleValue == value && parsed.doubleValue?.sign == value.sign, "\(text)")
        }
    }

    @Test func nonFiniteDoublesAreNull() {
        #expect(Support.text { $0.double(.nan) } == "null")
        #expect(Support.text { $0.double(.infinity) } == "null")
        #expect(Support.text { $0.fixed(-.infinity, decimals: 2) } == "null")
        #expect(Support.text { $0.value(.number(.nan)) } == "null")
    }

    @Test func valueWritesIntegersWithoutFraction() {
        #expect(JSONValue.number(7).description == "7")
        #expect(JSONValue.number(-0.0).description == "-0.0")
        #expect(JSONValue.number(1805.5).description == "1805.5")
        #expect(JSONValue.number(1e20).description == "1e+20")
        let message = JSONValue.object([
            (key: "type", value: .string("subscribe")), (key: "id", value: .number(7)),
            (key: "tags", value: .array([.null, .bool(false), .string("a\"")])),
        ])
        #expect(message.description == #"{"type":"subscribe","id":7,"tags":[null,false,"a\""]}"#)
    }

    @Test func resetStartsANewMessage() {
        var writer = JSONWriter()
        writer.beginArray()
        writer.int(1)
        writer.reset()
        writer.int(2)
        #expect(writer.buffer.readableBytesArray == Array("2".utf8))
    }

    /// A price update like the server's, written into one reused writer: after the first
    /// message the buffer never grows again.
    @Test func reusedWriterCapacityIsStable() throws {
        var writer = JSONWriter(into: ByteBuffer(capacity: 64))
        var capacityAfterFirst = 0
        for round in 0..<1_001 {
            writer.reset()
            writer.beginObject()
            writer.key("type")
            writer.string("price_update")
            writer.key("seq")
            writer.int(round)
            writer.key("quotes")
            writer.beginArray()
            for index in 0..<20 {
                writer.beginObject()
                writer.key("symbol")
                writer.string("SYM\(index % 10)")
                writer.key("price")
                writer.fixed(1850.5 + Double(index) * 0.01, decimals: 2)
                writer.key("change")
                writer.double(-0.25)
                writer.key("volume")
                writer.int(1_000_000 + index)
                writer.endObject()
            }
            writer.endArray()
            writer.endObject()
            if round == 0 {
                capacityAfterFirst = writer.buffer.capacity
                let bytes = writer.buffer.readableBytesArray
                let parsed = try JSONParser.parse(bytes)
                #expect(parsed["quotes"]?.arrayValue?.count == 20)
                #expect(parsed["quotes"]?.arrayValue?[3]["price"]?.doubleValue == 1850.53)
            } else {
                #expect(writer.buffer.capacity == capacityAfterFirst)
            }
        }
    }
}
