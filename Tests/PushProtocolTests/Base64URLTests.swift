import Testing

@testable import PushProtocol

@Suite struct Base64URLTests {
    func decode(_ text: String) -> [UInt8]? { Base64URL.decode(Substring(text).utf8) }

    @Test func rfc4648VectorsWithoutPadding() {
        let vectors: [(String, String)] = [
            ("", ""), ("Zg", "f"), ("Zm8", "fo"), ("Zm9v", "foo"), ("Zm9vYg", "foob"), ("Zm9vYmE", "fooba"),
            ("Zm9vYmFy", "foobar"),
        ]
        for (encoded, plain) in vectors { #expect(decode(encoded) == Array(plain.utf8), "\(encoded)") }
    }

    @Test func urlSafeAlphabet() {
        #expect(decode("-_8") == [0xFB, 0xFF])
        #expect(decode("+/8") == nil)
    }

    @Test func strictness() {
        for bad in ["Zg==", "Zm8=", "Z", "Zm9vY", "Zh", "Zm9", "Zm 9v", "Zm9v\n", "Zm9v.", "é"] {
            #expect(decode(bad) == nil, "\(bad)")
        }
        // Every 2-character group that leaves non-zero spare bits is refused.
        #expect(decode("Zh") == nil)
        #expect(decode("Zm-") == nil)
    }

    @Test func agreesWithTheMint() {
        for length in 0..<70 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            #expect(decode(TokenMint.base64URL(bytes)) == bytes)
        }
    }
}
