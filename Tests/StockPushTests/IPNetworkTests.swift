import Testing

@testable import StockPush

@Suite struct IPNetworkTests {
    private func contains(_ network: String, _ address: String) throws -> Bool {
        try #require(IPNetwork(Substring(network))).contains(try #require(IPAddress(Substring(address))))
    }

    @Test func ipv4PrefixesIncludingTheEdges() throws {
        #expect(try contains("10.0.0.0/8", "10.255.1.2"))
        #expect(try !contains("10.0.0.0/8", "11.0.0.0"))
        #expect(try contains("192.168.1.0/23", "192.168.0.77"))
        #expect(try !contains("192.168.2.0/23", "192.168.1.255"))
        #expect(try contains("127.0.0.1/32", "127.0.0.1"))
        #expect(try !contains("127.0.0.1/32", "127.0.0.2"))
        #expect(try contains("127.0.0.1", "127.0.0.1"), "a bare address is one host")
        #expect(try !contains("127.0.0.1", "127.0.0.2"))
        #expect(try contains("0.0.0.0/0", "203.0.113.7"))
        #expect(try !contains("0.0.0.0/0", "2001:db8::1"), "an IPv4 range holds no native IPv6 address")
        #expect(try contains("127.0.0.0/8", "::ffff:127.0.0.1"), "a dual-stack peer is the same IPv4 host")
    }

    @Test func ipv6PrefixesIncludingTheEdges() throws {
        #expect(try contains("::1/128", "::1"))
        #expect(try !contains("::1/128", "::2"))
        #expect(try contains("::/0", "2001:db8::1"))
        #expect(try contains("::/0", "10.0.0.1"))
        #expect(try contains("2001:db8::/32", "2001:db8:ffff::1"))
        #expect(try !contains("2001:db8::/32", "2001:db9::"))
        #expect(try contains("2001:db8:0:1::/64", "2001:db8:0:1:ffff:ffff:ffff:ffff"))
        #expect(try !contains("2001:db8:0:1::/64", "2001:db8:0:2::"))
        #expect(try contains("2001:db8::/65", "2001:db8::7fff:0:0:0"))
        #expect(try !contains("2001:db8::/65", "2001:db8::8000:0:0:0"))
    }

    @Test func hostBitsAreMaskedAway() throws {
        let network = try #require(IPNetwork("10.1.2.3/8"))
        #expect(network.description == "10.0.0.0/8")
        #expect(try #require(IPNetwork("2001:db8::1/32")).description == "2001:db8::/32")
    }

    @Test(arguments: [
        "", "/8", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/+8", "10.0.0.0/8/8", "10.0.0.0/ 8", "::1/129",
        "::1/1000", "10.0.0.0/a", "example.com/8", "10.0.0/8",
    ])
    func refusesBadRanges(text: String) {
        #expect(IPNetwork(Substring(text)) == nil)
    }
}
