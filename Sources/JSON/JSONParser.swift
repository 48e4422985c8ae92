/// Strict RFC 8259 parsing of client messages.
///
/// Accepts exactly one value with optional surrounding whitespace. Rejects comments,
/// trailing commas, NaN/Infinity, leading zeros, lone surrogates in `\u` escapes, raw
/// control characters in strings, invalid UTF-8 and numbers that overflow a `Double`.
/// Nesting is capped (`maxDepth`, default 64) so hostile input cannot exhaust the stack.
/// Duplicate keys are kept in order; `JSONValue.subscript` returns the first.
public enum JSONParser {
    public static func parse(
        _ bytes: UnsafeRawBufferPointer, maxDepth: Int = 64
    ) throws(JSONParseError) -> JSONValue {
        var parser = Parser(bytes: bytes, maxDepth: maxDepth)
        return try parser.parseDocument()
    }

    public static func parse(_ bytes: [UInt8], maxDepth: Int = 64) throws(JSONParseError) -> JSONValue {
        // withUnsafeBytes rethrows untyped errors; carry the typed one out in a Result.
        let result: Result<JSONValue, JSONParseError> = bytes.withUnsafeBytes { raw in
            do throws(JSONParseError) { return .success(try parse(raw, maxDepth: maxDepth)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    public static func parse(_ text: String, maxDepth: Int = 64) throws(JSONParseError) -> JSONValue {
        var text = text
        let result: Result<JSONValue, JSONParseError> = text.withUTF8 { utf8 in
            do throws(JSONParseError) {
                return .success(try parse(UnsafeRawBufferPointer(utf8), maxDepth: maxDepth))
            } catch { return .failure(error) }
        }
        return try result.get()
    }
}
