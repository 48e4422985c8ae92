import Testing

@testable import StockPush

@Suite struct IPAddressTests {
    @Test(arguments: [
        ("127.0.0.1", "127.0.0.1"), ("0.0.0.0", "0.0.0.0"), ("255.255.255.255", "255.255.255.255"),
        ("::1", "::1"), ("::", "::"), ("2001:DB8:0:0:0:0:0:1", "2001:db8::1"), ("2001:db8::", "2001:db8::"),
        ("fe80:0:0:1:0:0:0:1", "fe80:0:0:1::1"), ("1:0:0:2:0:0:0:3", "1:0:0:2::3"), ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"),
        ("1:0:3:4:5:6:7:8", "1:0:3:4:5:6:7:8"), ("::ffff:10.1.2.3", "10.1.2.3"), ("::ffff:a01:203", "10.1.2.3"),
        ("64:ff9b::192.0.2.33", "64:ff9b::c000:221"),
    ])
    func parsesAndPrintsOneCanonicalSpelling(text: String, canonical: String) throws {
        let address = try #require(IPAddress(Substring(text)))
        #expect(address.description == canonical)
        #expect(IPAddress(Substring(canonical)) == address)
    }

    @Test(arguments: [
        "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.-4", "1.2.3.+4", "1..3.4", "a.b.c.d", " 1.2.3.4",
        ":", ":::", "1:::2", "1::2::3", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1::2:3:4:5:6:7:8", "12345::",
        "g::1", "::1%eth0", "[::1]", "+1::", "1:2:3:4:5:6:1.2.3.4.5", "::1.2.3", "localhost",
    ])
    func refusesWhatIsNotAnAddress(text: String) {
        #expect(IPAddress(Substring(text)) == nil)
    }

    @Test func ipv4IsTheMappedRangeAndNothingElse() throws {
        #expect(try #require(IPAddress("10.0.0.1")).isIPv4)
        #expect(try #require(IPAddress("::ffff:10.0.0.1")).isIPv4)
        #expect(try !#require(IPAddress("::10.0.0.1")).isIPv4)
        #expect(try !#require(IPAddress("::1")).isIPv4)
    }
}
