@testable import JSON

/// Shared helpers that turn typed-throws parsing into values `#expect` can compare.
enum Support {
    static func parse(_ text: String, maxDepth: Int = 64) -> Result<JSONValue, JSONParseError> {
        do throws(JSONParseError) { return .success(try JSONParser.parse(text, maxDepth: maxDepth)) } catch {
            return .failure(error)
        }
    }

    static func parse(bytes: [UInt8], maxDepth: Int = 64) -> Result<JSONValue, JSONParseError> {
        do throws(JSONParseError) { return .success(try JSONParser.parse(bytes, maxDepth: maxDepth)) } catch {
            return .failure(error)
        }
    }

    static func error(_ text: String) -> JSONParseError? {
        if case .failure(let error) = parse(text) { return error }
        return nil
    }

    static func error(bytes: [UInt8]) -> JSONParseError? {
        if case .failure(let error) = parse(bytes: bytes) { return error }
        return nil
    }
}
