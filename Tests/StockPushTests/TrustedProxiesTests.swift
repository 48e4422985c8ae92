import HTTP1
import Testing

@testable import StockPush

@Suite struct TrustedProxiesTests {
    private let proxies = try! TrustedProxies(parsing: "127.0.0.1/32, 10.0.0.0/8,::1/128")

    @Test func parsesAListAndNamesTheBadEntry() throws {
        #expect(proxies.networks.map(\.description) == ["127.0.0.1/32", "10.0.0.0/8", "::1/128"])
        #expect(try TrustedProxies(parsing: "").isEmpty)
        #expect(try TrustedProxies(parsing: "  ").isEmpty)
        #expect(throws: TrustedProxiesError.invalidEntry("10.0.0.0/33")) { try TrustedProxies(parsing: "::1,10.0.0.0/33") }
        #expect(throws: TrustedProxiesError.invalidEntry("")) { try TrustedProxies(parsing: "127.0.0.1,") }
        #expect(throws: TrustedProxiesError.invalidEntry("proxy.local")) { try TrustedProxies(parsing: "proxy.local") }
    }

    @Test func theOptionAndItsEnvironmentVariable() throws {
        func configuration(_ arguments: [String], _ environment: [String: String] = [:]) throws -> PushConfiguration {
            try PushConfiguration(
                from: Options(arguments: arguments, specs: PushConfiguration.options, environment: environment))
        }
        #expect(try configuration([]).trustedProxies.isEmpty)
        #expect(try configuration([], ["TRUSTED_PROXIES": "::1"]).trustedProxies.networks.map(\.description) == ["::1/128"])
        #expect(
            throws: UsageError.invalidValue(
                option: "--trusted-proxies", value: "10.0.0.0/33",
                expected: "comma-separated CIDRs or addresses, e.g. 127.0.0.1/32,10.0.0.0/8,::1/128")
        ) { try configuration(["--trusted-proxies", "127.0.0.1,10.0.0.0/33"]) }
    }

    @Test func aTrustedPeerNamesTheRightmostUntrustedHop() {
        let headers: HTTPHeaders = ["X-Forwarded-For": "198.51.100.1, 203.0.113.7, 10.1.1.1"]
        #expect(proxies.clientAddress(peer: "127.0.0.1", headers: headers) == "203.0.113.7")
        #expect(proxies.clientAddress(peer: "::ffff:127.0.0.1", headers: headers) == "203.0.113.7")
        #expect(proxies.clientAddress(peer: "::1", headers: headers) == "203.0.113.7")
    }

    @Test func everyHopTrustedMeansTheLeftmost() {
        let headers: HTTPHeaders = ["X-Forwarded-For": "10.9.9.9, 10.1.1.1"]
        #expect(proxies.clientAddress(peer: "127.0.0.1", headers: headers) == "10.9.9.9")
    }

    @Test func fieldLinesAreOneListInOrder() {
        let headers = HTTPHeaders([("X-Forwarded-For", "203.0.113.1"), ("x-forwarded-for", "203.0.113.2, 10.0.0.1")])
        #expect(proxies.clientAddress(peer: "127.0.0.1", headers: headers) == "203.0.113.2")
    }

    @Test func anUntrustedPeerIsTheClientWhateverItSays() {
        let headers: HTTPHeaders = ["X-Forwarded-For": "203.0.113.7", "X-Real-IP": "203.0.113.8"]
        #expect(proxies.clientAddress(peer: "192.0.2.1", headers: headers) == "192.0.2.1")
        #expect(TrustedProxies().clientAddress(peer: "127.0.0.1", headers: headers) == "127.0.0.1")
    }

    @Test func xRealIPWhenThereIsNoForwardedFor() {
        #expect(proxies.clientAddress(peer: "10.0.0.5", headers: ["X-Real-IP": " 2001:DB8::0:1 "]) == "2001:db8::1")
        #expect(proxies.clientAddress(peer: "10.0.0.5", headers: ["X-Real-IP": "nonsense"]) == "10.0.0.5")
    }

    @Test func malformedForwardedForFallsBackToXRealIPThenThePeer() {
        let bad: HTTPHeaders = ["X-Forwarded-For": "203.0.113.7, not-an-ip"]
        #expect(proxies.clientAddress(peer: "127.0.0.1", headers: bad) == "127.0.0.1")
        let badWithRealIP: HTTPHeaders = ["X-Forwarded-For": "203.0.113.7,,10.0.0.1", "X-Real-IP": "203.0.113.9"]
        #expect(proxies.clientAddress(peer: "127.0.0.1", headers: badWithRealIP) == "203.0.113.9")
        #expect(proxies.clientAddress(peer: "127.0.0.1", headers: ["X-Forwarded-For": ""]) == "127.0.0.1")
    }

    @Test func hopsMayCarryBracketsAndPorts() {
        #expect(TrustedProxies.address(inForwardedEntry: " 203.0.113.7:8080")?.description == "203.0.113.7")
        #expect(TrustedProxies.address(inForwardedEntry: "[2001:db8::1]:443")?.description == "2001:db8::1")
        #expect(TrustedProxies.address(inForwardedEntry: "[2001:db8::1]")?.description == "2001:db8::1")
        #expect(TrustedProxies.address(inForwardedEntry: "2001:db8::1")?.description == "2001:db8::1")
        #expect(TrustedProxies.address(inForwardedEntry: "203.0.113.7:") == nil)
        #expect(TrustedProxies.address(inForwardedEntry: "203.0.113.7:1234567") == nil)
        #expect(TrustedProxies.address(inForwardedEntry: "[2001:db8::1") == nil)
        #expect(TrustedProxies.address(inForwardedEntry: "[2001:db8::1]x") == nil)
        #expect(TrustedProxies.address(inForwardedEntry: "unknown") == nil)
    }

    @Test func aPeerThatIsNotAnAddressIsKeptAsItIs() {
        #expect(proxies.clientAddress(peer: "unix", headers: ["X-Forwarded-For": "203.0.113.7"]) == "unix")
    }
}
