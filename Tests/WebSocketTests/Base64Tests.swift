import Testing

@testable import WebSocket

@Suite struct Base64Tests {
    /// RFC 4648 section 10.
    static let vectors: [(String, String)] = [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
    ]

    @Test func encodesRFC4648Vectors() {
        for (plain, encoded) in Self.vectors {
            #expect(Base64.encode(Array(plain.utf8)) == encoded)
        }
    }

    @Test func decodesRFC4648Vectors() {
        for (plain, encoded) in Self.vectors {
            #expect(Base64.decode(encoded) == Array(plain.utf8))
        }
    }

    @Test func roundTripsAllByteValuesAndLengths() {
        let bytes = (0..<256).map { UInt8($0) }
        for length in 0...bytes.count {
            let slice = Array(bytes[0..<length])
            #expect(Base64.decode(Base64.encode(slice)) == slice)
        }
        #expect(Base64.encode([0xFB, 0xFF, 0xBF]) == "+/+/")
    }

    @Test(arguments: [
        "Zg", "Zg=", "Zm9",  // missing padding
        "Zg===", "====", "A===", "=AAA", "Zg==Zg==", "Zm=v",  // misplaced padding
        "Zm9v\n", " Zm9v", "Zm 9v",  // whitespace
        "Zm9-", "Zm9_", "Zm9*", "Zm9é",  // outside the standard alphabet
        "Zh==", "Zm9=",  // non-zero unused bits
    ])
    func rejectsMalformed(input: String) {
        #expect(Base64.decode(input) == nil)
        #expect(Base64.decodedCount(input) == nil)
    }

    @Test func decodedCountMatchesTheDecodedBytes() {
        for (plain, encoded) in Self.vectors {
            #expect(Base64.decodedCount(encoded) == plain.utf8.count)
        }
        #expect(Base64.decodedCount("dGhlIHNhbXBsZSBub25jZQ==") == 16, "RFC 6455's sample key")
    }
}
