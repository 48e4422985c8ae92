import Server
import Testing

@Suite struct PeerAddressTests {
    @Test func logLinesNameTheForwardedClientAndThePeerItCameThrough() {
        let proxy = PeerAddress(host: "10.0.0.2", port: 51234)
        #expect(proxy.logName(client: nil) == "10.0.0.2:51234")
        #expect(proxy.logName(client: "10.0.0.2") == "10.0.0.2:51234")  // no proxy in between
        #expect(proxy.logName(client: "203.0.113.9") == "203.0.113.9 (via 10.0.0.2:51234)")
        #expect(PeerAddress(host: "::1", port: 80).logName(client: "2001:db8::1") == "2001:db8::1 (via [::1]:80)")
    }
}
