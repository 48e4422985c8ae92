import Testing

@testable import JSON

@Suite struct RejectionTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let input: String
        let offset: Int
        let reason: String
        var testDescription: String { input.debugDescription }
    }

    @Test(arguments: [
        Case(input: "", offset: 0, reason: "unexpected end of input"),
        Case(input: "   ", offset: 3, reason: "unexpected end of input"),
        Case(input: "[1,2", offset: 4, reason: "unexpected end of input"),
        Case(input: #"{"a":1"#, offset: 6, reason: "unexpected end of input"),
        Case(input: #"{"a""#, offset: 4, reason: "unexpected end of input"),
        Case(input: #""abc"#, offset: 4, reason: "unterminated string"),
        Case(input: #"["abc\"#, offset: 6, reason: "unterminated string"),
        Case(input: #""a\x""#, offset: 2, reason: #"invalid escape \x"#),
        Case(input: #""a\'""#, offset: 2, reason: #"invalid escape \'"#),
        Case(input: #""\u12G4""#, offset: 1, reason: #"invalid \u escape"#),
        Case(input: #""\u12""#, offset: 1, reason: #"invalid \u escape"#),
        Case(input: #""\ud800""#, offset: 1, reason: "lone surrogate"),
        Case(input: #""\ud800\u0041""#, offset: 1, reason: "lone surrogate"),
        Case(input: #""\ud800x""#, offset: 1, reason: "lone surrogate"),
        Case(input: #""x\udc00""#, offset: 2, reason: "lone surrogate"),
        Case(input: "\"a\tb\"", offset: 2, reason: "control character in string"),
        Case(input: "\"a\nb\"", offset: 2, reason: "control character in string"),
        Case(input: "\"\u{0}\"", offset: 1, reason: "control character in string"),
        Case(input: "1 2", offset: 2, reason: "trailing characters"),
        Case(input: "{}x", offset: 2, reason: "trailing characters"),
        Case(input: "[1] // comment", offset: 4, reason: "trailing characters"),
        Case(input: "/* c */ 1", offset: 0, reason: "unexpected character"),
        Case(input: "[1,]", offset: 3, reason: "unexpected character"),
        Case(input: #"{"a":1,}"#, offset: 7, reason: "expected string key"),
        Case(input: "{a:1}", offset: 1, reason: "expected string key"),
        Case(input: #"{"a" 1}"#, offset: 5, reason: "expected ':'"),
        Case(input: "[1 2]", offset: 3, reason: "expected ',' or ']'"),
        Case(input: #"{"a":1 "b":2}"#, offset: 7, reason: "expected ',' or '}'"),
        Case(input: "NaN", offset: 0, reason: "unexpected character"),
        Case(input: "Infinity", offset: 0, reason: "unexpected character"),
        Case(input: "-Infinity", offset: 0, reason: "invalid number"),
        Case(input: "tru", offset: 0, reason: "invalid literal"),
        Case(input: "nul", offset: 0, reason: "invalid literal"),
        Case(input: "[falsy]", offset: 1, reason: "invalid literal"),
        Case(input: "01", offset: 0, reason: "leading zero"),
        Case(input: "-012", offset: 0, reason: "leading zero"),
        Case(input: "+1", offset: 0, reason: "unexpected character"),
        Case(input: ".5", offset: 0, reason: "unexpected character"),
        Case(input: "1.", offset: 0, reason: "invalid number"),
        Case(input: "1.e5", offset: 0, reason: "invalid number"),
        Case(input: "1e", offset: 0, reason: "invalid number"),
        Case(input: "[1e+]", offset: 1, reason: "invalid number"),
        Case(input: "-", offset: 0, reason: "invalid number"),
        Case(input: "1e309", offset: 0, reason: "number out of range"),
        Case(input: "[-1.8e308]", offset: 1, reason: "number out of range"),
        Case(input: "1e99999999999", offset: 0, reason: "number out of range"),
        Case(input: "\u{FEFF}1", offset: 0, reason: "unexpected character"),
    ])
    func rejects(_ example: Case) {
        let error = Support.error(example.input)
        #expect(error == JSONParseError(offset: example.offset, reason: example.reason))
    }

    @Test(
        arguments: [
            ([0x22, 0xC0, 0x80, 0x22], 1),  // overlong NUL
            ([0x22, 0xC1, 0xBF, 0x22], 1),  // overlong 2-byte
            ([0x22, 0xE0, 0x80, 0xAF, 0x22], 1),  // overlong '/' in 3 bytes
            ([0x22, 0xF0, 0x80, 0x80, 0xAF, 0x22], 1),  // overlong '/' in 4 bytes
            ([0x22, 0x61, 0xED, 0xA0, 0x80, 0x22], 2),  // encoded surrogate U+D800
            ([0x22, 0xED, 0xBF, 0xBF, 0x22], 1),  // encoded surrogate U+DFFF
            ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], 1),  // above U+10FFFF
            ([0x22, 0xF5, 0x80, 0x80, 0x80, 0x22], 1),  // invalid lead byte
            ([0x22, 0x80, 0x22], 1),  // lone continuation byte
            ([0x22, 0xFF, 0x22], 1),  // never valid
            ([0x22, 0xC3], 1),  // truncated at end of input
            ([0x22, 0xE6, 0x97, 0x22], 1),  // truncated before the quote
            ([0x22, 0xF0, 0x9F, 0x98], 1),  // truncated 4-byte at end
            ([0x22, 0xC3, 0x41, 0x22], 1),  // missing continuation
        ] as [([UInt8], Int)])
    func rejectsInvalidUTF8(bytes: [UInt8], offset: Int) {
        #expect(Support.error(bytes: bytes) == JSONParseError(offset: offset, reason: "invalid UTF-8"))
    }

    @Test func rejectsNonASCIIOutsideStrings() {
        #expect(Support.error(bytes: [0x5B, 0xC3, 0xA9, 0x5D]) == JSONParseError(offset: 1, reason: "unexpected character"))
    }

    @Test func nestingLimit() throws {
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(try JSONParser.parse(ok) != .null)
        let tooDeep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(Support.error(tooDeep) == JSONParseError(offset: 64, reason: "nesting too deep"))
        let objects = String(repeating: #"{"a":"#, count: 65) + "1" + String(repeating: "}", count: 65)
        #expect(Support.error(objects) == JSONParseError(offset: 64 * 5, reason: "nesting too deep"))
        #expect(Support.error(#"[[1]]"#) == nil)
        #expect(
            Support.parse("[[1]]", maxDepth: 1).map { _ in true }
                == .failure(JSONParseError(offset: 1, reason: "nesting too deep")))
        #expect(try JSONParser.parse("1", maxDepth: 0) == .number(1))
    }

    @Test func hostileDeepNestingDoesNotCrash() {
        let bytes = [UInt8](repeating: UInt8(ascii: "["), count: 100_000)
        #expect(Support.error(bytes: bytes) == JSONParseError(offset: 64, reason: "nesting too deep"))
        let mixed = [UInt8](repeating: UInt8(ascii: "{"), count: 100_000)
        #expect(Support.error(bytes: mixed)?.offset == 1)  // `{{` fails on the key first
    }

    @Test func errorDescription() {
        #expect(JSONParseError(offset: 3, reason: "trailing characters").description == "trailing characters at byte 3")
    }
}
