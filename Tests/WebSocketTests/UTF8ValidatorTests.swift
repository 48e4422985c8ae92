import Testing

@testable import WebSocket

@Suite struct UTF8ValidatorTests {
    static func isValid(_ bytes: [UInt8]) -> Bool {
        var validator = UTF8Validator()
        return validator.feed(bytes) && validator.isAtBoundary
    }

    @Test(arguments: [
        "", "hello", "κόσμε", "€", "日本語テキスト", "🎉👍🏽", "mixed ASCII then ü and 𝄞 at the end 𝄞",
        String(repeating: "long ascii run for the fast path ", count: 10) + "é",
    ])
    func acceptsValidText(text: String) {
        #expect(Self.isValid(Array(text.utf8)))
    }

    @Test func boundaryCodePoints() {
        #expect(Self.isValid([0x00, 0x7F]))
        #expect(Self.isValid([0xC2, 0x80, 0xDF, 0xBF]))  // U+0080, U+07FF
        #expect(Self.isValid([0xE0, 0xA0, 0x80, 0xED, 0x9F, 0xBF]))  // U+0800, U+D7FF
        #expect(Self.isValid([0xEE, 0x80, 0x80, 0xEF, 0xBF, 0xBF]))  // U+E000, U+FFFF
        #expect(Self.isValid([0xF0, 0x90, 0x80, 0x80]))  // U+10000
        #expect(Self.isValid([0xF4, 0x8F, 0xBF, 0xBF]))  // U+10FFFF
    }

    @Test(
        arguments: [
            [0xC0, 0x80], [0xC1, 0xBF],  // overlong 2-byte
            [0xE0, 0x80, 0x80], [0xE0, 0x9F, 0xBF],  // overlong 3-byte
            [0xF0, 0x80, 0x80, 0x80], [0xF0, 0x8F, 0xBF, 0xBF],  // overlong 4-byte
            [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF],  // surrogates D800, DFFF
            [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xF7, 0xBF, 0xBF, 0xBF],  // above U+10FFFF
            [0x80], [0xBF], [0x61, 0x80],  // lone continuation
            [0xC2], [0xE1, 0x80], [0xF1, 0x80, 0x80],  // truncated at end
            [0xC2, 0x41], [0xE1, 0x80, 0x41],  // missing continuation
            [0xFE], [0xFF], [0x61, 0xFE, 0x62],  // never valid
        ] as [[UInt8]])
    func rejectsInvalid(bytes: [UInt8]) {
        #expect(!Self.isValid(bytes))
    }

    @Test func truncatedIsNotAFeedFailureButNotABoundary() {
        var validator = UTF8Validator()
        #expect(feed(&validator, [0xF0, 0x9F, 0x8E]))
        #expect(!validator.isAtBoundary)
        #expect(feed(&validator, [0xA0]))
        #expect(validator.isAtBoundary)
    }

    @Test(
        arguments: [
            [0xF4, 0x90], [0xED, 0xA0], [0xE0, 0x80], [0xF0, 0x80], [0xC0], [0xF5], [0xC2, 0x20],
        ] as [[UInt8]])
    func failsFastMidSequence(bytes: [UInt8]) {
        var validator = UTF8Validator()
        #expect(!feed(&validator, bytes))
    }

    @Test func failsFastAcrossChunks() {
        var validator = UTF8Validator()
        #expect(feed(&validator, [0x61, 0xF4]))
        #expect(!feed(&validator, [0x90]))
        // Invalid is sticky until reset.
        #expect(!feed(&validator, [0x61]))
        #expect(!validator.isAtBoundary)
        validator.reset()
        #expect(validator.feed([0x61]) && validator.isAtBoundary)
    }

    @Test func validAcrossEverySplit() {
        let bytes = Array("aé€🎉 κόσμε 𝄞 end, plus some ASCII to cross the 8-byte fast path 🎉".utf8)
        for first in 0...bytes.count {
            for second in first...bytes.count {
                var validator = UTF8Validator()
                #expect(feed(&validator, Array(bytes[0..<first])))
                #expect(feed(&validator, Array(bytes[first..<second])))
                #expect(feed(&validator, Array(bytes[second...])))
                #expect(validator.isAtBoundary)
            }
        }
    }

    @Test func byteByByteMatchesWholeInput() {
        let samples: [[UInt8]] = [
            Array("🎉 ok".utf8), [0xF4, 0x90, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xE0, 0xA0, 0x80], [0x61, 0xC2],
        ]
        for sample in samples {
            var validator = UTF8Validator()
            var ok = true
            for byte in sample where ok { ok = validator.feed([byte]) }
            #expect((ok && validator.isAtBoundary) == Self.isValid(sample))
        }
    }

    @Test func rawPointerFeed() {
        var validator = UTF8Validator()
        let bytes = Array("€uro".utf8)
        #expect(bytes.withUnsafeBytes { validator.feed($0) })
        #expect(validator.isAtBoundary)
    }
}
