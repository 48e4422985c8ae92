import HTTPGrammar
import Testing

@Suite struct ASCIITests {
    @Test func caseIsIgnoredForLettersOnly() {
        #expect(ASCII.equalsIgnoringCase("Sec-WebSocket-Key", "sec-websocket-KEY"))
        #expect(!ASCII.equalsIgnoringCase("@", "`"), "0x40 and 0x60 differ by the case bit but are not letters")
        #expect(!ASCII.equalsIgnoringCase("[", "{"))
        #expect(!ASCII.equalsIgnoringCase("Upgrade", "Upgrades"))
    }

    @Test(arguments: [
        ("Upgrade", "upgrade", true), ("keep-alive, Upgrade", "upgrade", true), (" keep-alive ,\tUPGRADE ", "upgrade", true),
        ("keep-alive,,upgrade", "upgrade", true), ("upgrades", "upgrade", false), ("up grade", "upgrade", false),
        ("", "upgrade", false), ("websocket/13", "websocket", false),
    ])
    func listMembershipTrimsAndIgnoresCase(value: String, token: String, expected: Bool) {
        #expect(ASCII.list(value, contains: token) == expected)
    }

    @Test func trimmingRemovesOnlySpacesAndTabs() {
        #expect(String(Substring(ASCII.trimmingWhitespace(" \t a b \t"[...].utf8))) == "a b")
        #expect(String(Substring(ASCII.trimmingWhitespace("\r\nx\r\n"[...].utf8))) == "\r\nx\r\n")
        #expect(ASCII.trimmingWhitespace("   "[...].utf8).isEmpty)
    }

    @Test func tokenBytesAreRFC9110Tchar() {
        let tchar = Set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
        for byte in UInt8.min...UInt8.max { #expect(ASCII.isTokenByte(byte) == tchar.contains(byte), "byte \(byte)") }
    }
}
