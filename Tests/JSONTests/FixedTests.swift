import Testing

@testable import JSON

@Suite struct FixedTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let value: Double
        let decimals: Int
        let expected: String
        init(_ value: Double, _ decimals: Int, _ expected: String) {
            self.value = value
            self.decimals = decimals
            self.expected = expected
        }
        var testDescription: String { "fixed(\(value), \(decimals)) = \(expected)" }
    }

    @Test(arguments: [
        Case(1850.5, 2, "1850.50"), Case(1850.5, 0, "1851"), Case(1850.4, 0, "1850"), Case(1850, 0, "1850"),
        Case(1850.123456, 3, "1850.123"), Case(0.1, 1, "0.1"), Case(0.1, 5, "0.10000"),
        // Ties in the shortest decimal round away from zero, whatever the binary value is.
        Case(1.005, 2, "1.01"), Case(1.015, 2, "1.02"), Case(1.025, 2, "1.03"), Case(2.675, 2, "2.68"),
        Case(0.125, 2, "0.13"), Case(0.005, 2, "0.01"), Case(1.0049, 2, "1.00"), Case(1.00500001, 2, "1.01"),
        Case(0.5, 0, "1"), Case(1.5, 0, "2"), Case(2.5, 0, "3"), Case(9.995, 2, "10.00"), Case(99.5, 0, "100"),
        Case(0.30000000000000004, 2, "0.30"), Case(0.30000000000000004, 17, "0.30000000000000004"),
        // Negatives mirror positives; anything that rounds to zero is unsigned.
        Case(-1.005, 2, "-1.01"), Case(-2.675, 2, "-2.68"), Case(-1850.5, 2, "-1850.50"), Case(-0.5, 0, "-1"),
        Case(-0.004, 2, "0.00"), Case(-0.0, 2, "0.00"), Case(0, 0, "0"), Case(0, 3, "0.000"),
        Case(-0.005, 2, "-0.01"), Case(-1e-20, 4, "0.0000"), Case(.leastNonzeroMagnitude, 2, "0.00"),
        // Small magnitudes whose digits need the description path.
        Case(1.2345678901234567e-5, 8, "0.00001235"), Case(0.000015, 5, "0.00002"),
        // Large prices and turnovers.
        Case(123456789012.34, 2, "123456789012.34"), Case(999999999999999.9, 1, "999999999999999.9"),
        Case(999999999999999.9, 0, "1000000000000000"), Case(1e15, 2, "1000000000000000.00"),
        Case(4503599627370495.5, 1, "4503599627370495.5"), Case(9007199254740991, 0, "9007199254740991"),
        Case(9007199254740992, 2, "9007199254740992.00"), Case(1e18, 0, "1000000000000000000"),
        Case(-123456789.987654, 4, "-123456789.9877"),
    ])
    func table(_ example: Case) {
        #expect(Support.text { $0.fixed(example.value, decimals: example.decimals) } == example.expected)
    }

    @Test func hugeValuesFallBackToDouble() {
        #expect(Support.text { $0.fixed(1e300, decimals: 2) } == "1e+300")
    }

    /// The allocation-free digit search must agree with the standard library's shortest
    /// representation, which is the rule `fixed` documents.
    @Test func shortestSearchMatchesDescription() {
        var generator = SystemRandomNumberGenerator()
        var values: [Double] = [0, 1, 0.1, 1.005, 2.675, 1850.5, 1e-7, 123456789012.34]
        for _ in 0..<20_000 {
            values.append(Double.random(in: 0...1e9, using: &generator))
            values.append((Double.random(in: 0...1e7, using: &generator) * 1000).rounded() / 1000)
            values.append(Double(bitPattern: generator.next() >> 2))
        }
        for value in values where value.isFinite && value < 9_007_199_254_740_992 {
            if let searched = ShortestDecimal.search(value) {
                #expect(searched == ShortestDecimal.fromDescription(value), "\(value)")
            }
        }
    }

    @Test func fixedOutputParsesBack() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let cents = Int.random(in: -10_000_000...10_000_000, using: &generator)
            let value = Double(cents) / 100
            let text = Support.text { $0.fixed(value, decimals: 2) }
            #expect(try JSONParser.parse(text).doubleValue == value, "\(text)")
            #expect(text.split(separator: ".").last?.count == 2)
        }
    }
}
