import Testing

@testable import JSON

/// The one JSON string escaper every writer in the project goes through: its output must
/// parse back to the input and stay inert inside JavaScript source (U+2028/U+2029).
@Suite struct StringEscapeTests {
    static let shortForms: [UInt8: String] = [
        0x08: #"\b"#, 0x09: #"\t"#, 0x0A: #"\n"#, 0x0C: #"\f"#, 0x0D: #"\r"#,
    ]

    @Test func everyControlCharacterIsEscaped() throws {
        for byte in Array(UInt8(0)..<0x20) + [0x7F] {
            let input = String(UnicodeScalar(byte))
            let text = Support.text { $0.string(input) }
            let hex = String(byte, radix: 16)
            let expected = Self.shortForms[byte] ?? "\\u00" + (hex.count == 1 ? "0" + hex : hex)
            #expect(text == "\"" + expected + "\"", "byte \(byte)")
            #expect(try JSONParser.parse(text) == .string(input))
        }
    }

    @Test(arguments: [
        ("plain", #""plain""#),
        ("", #""""#),
        (#"say "hi""#, #""say \"hi\"""#),
        (#"C:\dir\"#, #""C:\\dir\\""#),
        ("a\u{2028}b\u{2029}", #""a\u2028b\u2029""#),
        ("\u{2028}\u{2028}", #""\u2028\u2028""#),
        // Neighbours that share the lead byte E2 80 (or E2) stay raw.
        ("\u{2027}\u{202A}€…", "\"\u{2027}\u{202A}€…\""),
        ("</script>é😀", "\"</script>é😀\""),
    ])
    func escapes(_ input: String, _ expected: String) throws {
        #expect(Support.text { $0.string(input) } == expected)
        #expect(try JSONParser.parse(expected) == .string(input))
    }

    @Test func runtimeKeysUseTheSameEscaper() {
        let text = Support.text { writer in
            writer.beginObject()
            writer.key(escaping: "k\u{2029}\u{7F}\"")
            writer.int(1)
            writer.endObject()
        }
        #expect(text == #"{"k\u2029\u007f\"":1}"#)
    }

    /// A Swift string is always valid UTF-8 (invalid input was repaired to U+FFFD when it
    /// was made), so it is copied as is.
    @Test func repairedStringsAreWrittenAsUTF8() throws {
        let repaired = String(decoding: [0x61, 0xFF, 0xE2, 0x80, 0x62], as: UTF8.self)
        let text = Support.text { $0.string(repaired) }
        #expect(text == "\"a\u{FFFD}\u{FFFD}b\"")
        #expect(try JSONParser.parse(text) == .string(repaired))
    }

    /// Raw bytes are escaped but not validated (the caller vouches for them): stray or
    /// truncated sequences, even a cut-off U+2028 at the very end, pass through unchanged.
    @Test(arguments: [
        [UInt8]([0xFF, 0x41]), [0xE2], [0xE2, 0x80], [0x41, 0xE2, 0x80], [0xE2, 0x80, 0xA8, 0xE2, 0x80],
    ])
    func rawBytesAreNotValidated(bytes: [UInt8]) {
        let written = bytes.withUnsafeBytes { raw in
            var writer = JSONWriter()
            writer.string(utf8: raw)
            return writer.buffer.readableBytesArray
        }
        let escapedSeparator: [UInt8] = Array(#"\u2028"#.utf8)
        let expectedBody =
            bytes.starts(with: [0xE2, 0x80, 0xA8]) ? escapedSeparator + bytes.dropFirst(3) : bytes
        #expect(written == [UInt8(ascii: "\"")] + expectedBody + [UInt8(ascii: "\"")])
    }
}
