/// The recursive-descent parser behind `JSONParser`: a cursor over borrowed bytes.
///
/// Recursion depth is bounded by `maxDepth`, which is what keeps 100,000 `[` from
/// overflowing the stack. One scratch array is reused for every escaped string.
struct Parser {
    let bytes: UnsafeRawBufferPointer
    let maxDepth: Int
    var index = 0
    var depth = 0
    /// Decoded bytes of the string being parsed, used only once it contains an escape.
    var scratch: [UInt8] = []

    init(bytes: UnsafeRawBufferPointer, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    func fail(_ reason: String, at offset: Int) -> JSONParseError {
        JSONParseError(offset: offset, reason: reason)
    }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        guard index == bytes.count else { throw fail("trailing characters", at: index) }
        return value
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    /// Parses the value starting at `index` (whitespace already skipped).
    mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard index < bytes.count else { throw fail("unexpected end of input", at: index) }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw fail("unexpected character", at: index)
        }
    }

    mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let start = index
        let matched = literal.withUTF8Buffer { expected in
            guard bytes.count - start >= expected.count else { return false }
            for offset in 0..<expected.count where bytes[start + offset] != expected[offset] { return false }
            return true
        }
        guard matched else { throw fail("invalid literal", at: start) }
        index += literal.utf8CodeUnitCount
    }

    mutating func enterContainer() throws(JSONParseError) {
        depth += 1
        guard depth <= maxDepth else { throw fail("nesting too deep", at: index) }
        index += 1
    }

    /// Consumes `closing` if it comes next (an empty container, or the end after a member).
    mutating func leaveContainer(at closing: UInt8) -> Bool {
        skipWhitespace()
        guard index < bytes.count && bytes[index] == closing else { return false }
        index += 1
        depth -= 1
        return true
    }

    /// After a member: a comma (another member follows) or the container's end.
    mutating func continueContainer(closing: UInt8, expected: String) throws(JSONParseError) -> Bool {
        if leaveContainer(at: closing) { return false }
        guard index < bytes.count else { throw fail("unexpected end of input", at: index) }
        guard bytes[index] == UInt8(ascii: ",") else { throw fail(expected, at: index) }
        index += 1
        return true
    }

    mutating func parseArray() throws(JSONParseError) -> JSONValue {
        try enterContainer()
        var elements: [JSONValue] = []
        if leaveContainer(at: UInt8(ascii: "]")) { return .array(elements) }
        repeat {
            skipWhitespace()
            elements.append(try parseValue())
        } while try continueContainer(closing: UInt8(ascii: "]"), expected: "expected ',' or ']'")
        return .array(elements)
    }

    mutating func parseObject() throws(JSONParseError) -> JSONValue {
        try enterContainer()
        var pairs: [(key: String, value: JSONValue)] = []
        if leaveContainer(at: UInt8(ascii: "}")) { return .object(pairs) }
        // Client messages carry a handful of keys: one allocation instead of growing 1, 2, 4.
        pairs.reserveCapacity(4)
        repeat {
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end of input", at: index) }
            guard bytes[index] == UInt8(ascii: "\"") else { throw fail("expected string key", at: index) }
            let key = try parseString()
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end of input", at: index) }
            guard bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':'", at: index) }
            index += 1
            skipWhitespace()
            pairs.append((key: key, value: try parseValue()))
        } while try continueContainer(closing: UInt8(ascii: "}"), expected: "expected ',' or '}'")
        return .object(pairs)
    }
}
