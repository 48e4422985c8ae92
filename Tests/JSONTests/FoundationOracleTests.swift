import Foundation
import Testing

@testable import JSON

/// Foundation's JSONSerialization is an independent implementation: on valid input both
/// must agree on every string, number, literal and key.
@Suite struct FoundationOracleTests {
    @Test(arguments: Corpus.documents)
    func agreesWithJSONSerialization(document: String) throws {
        let ours = try JSONParser.parse(document)
        let theirs = try JSONSerialization.jsonObject(with: Data(document.utf8), options: [.fragmentsAllowed])
        #expect(Self.matches(ours, theirs), "\(document)")
    }

    static func matches(_ value: JSONValue, _ other: Any) -> Bool {
        switch value {
        case .null:
            return other is NSNull
        case .bool(let flag):
            guard let number = other as? NSNumber, Self.isBoolean(number) else { return false }
            return number.boolValue == flag
        case .number(let number):
            guard let theirs = other as? NSNumber, !Self.isBoolean(theirs) else { return false }
            return theirs.doubleValue == number
        case .string(let text):
            return (other as? String) == text
        case .array(let elements):
            guard let theirs = other as? [Any], theirs.count == elements.count else { return false }
            return zip(elements, theirs).allSatisfy { matches($0, $1) }
        case .object(let pairs):
            guard let theirs = other as? [String: Any], theirs.count == pairs.count else { return false }
            return pairs.allSatisfy { pair in theirs[pair.key].map { matches(pair.value, $0) } ?? false }
        }
    }

    static func isBoolean(_ number: NSNumber) -> Bool {
        // Foundation boxes JSON booleans as NSNumber; their objCType is "c" (char).
        String(cString: number.objCType) == "c" || type(of: number) != type(of: NSNumber(value: 1))
    }
}
