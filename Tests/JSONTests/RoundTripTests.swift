import Testing

@testable import JSON

@Suite struct RoundTripTests {
    @Test(arguments: Corpus.documents)
    func parseDescribeParse(document: String) throws {
        let value = try JSONParser.parse(document)
        let compact = value.description
        let again = try JSONParser.parse(compact)
        #expect(again == value)
        // Negative zero survives too.
        #expect(again.doubleValue?.sign == value.doubleValue?.sign)
        // Describing is a fixed point after one pass.
        #expect(again.description == compact)
    }

    /// Whatever the writer is given, its output parses back to the same value.
    @Test func writerOutputParsesBackToSameValue() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let value = Self.randomValue(depth: 0, using: &generator)
            let parsed = try JSONParser.parse(value.description)
            #expect(parsed == value, "\(value.description)")
        }
    }

    static func randomValue(depth: Int, using generator: inout SystemRandomNumberGenerator) -> JSONValue {
        let choice = Int.random(in: 0..<(depth > 4 ? 4 : 7), using: &generator)
        switch choice {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &generator))
        case 2:
            switch Int.random(in: 0..<3, using: &generator) {
            case 0: return .number(Double(Int.random(in: -1_000_000...1_000_000, using: &generator)))
            case 1: return .number(Double.random(in: -1e6...1e6, using: &generator))
            default:
                let bits = Double(bitPattern: generator.next())
                return .number(bits.isFinite ? bits : 0)
            }
        case 3: return .string(randomString(using: &generator))
        case 4, 5:
            let count = Int.random(in: 0..<5, using: &generator)
            return .array((0..<count).map { _ in randomValue(depth: depth + 1, using: &generator) })
        default:
            let count = Int.random(in: 0..<5, using: &generator)
            return .object(
                (0..<count).map { _ in
                    (key: randomString(using: &generator), value: randomValue(depth: depth + 1, using: &generator))
                })
        }
    }

    static func randomString(using generator: inout SystemRandomNumberGenerator) -> String {
        let pieces: [String] = [
            "a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u{0}", "\u{1F}", "\u{7F}", "é", "€", "股", "🎉", "\u{2028}",
        ]
        let count = Int.random(in: 0..<8, using: &generator)
        return (0..<count).map { _ in pieces.randomElement(using: &generator)! }.joined()
    }
}
