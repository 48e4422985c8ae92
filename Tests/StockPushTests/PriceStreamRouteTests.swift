import Testing

@testable import StockPush

@Suite struct PriceStreamRouteTests {
    @Test(arguments: [
        (UInt64(0), "c_node-1_0"), (0x1a, "c_node-1_1a"), (0xdead_beef, "c_node-1_deadbeef"),
        (0x1_2345_6789, "c_node-1_123456789"), (UInt64.max, "c_node-1_ffffffffffffffff"),
    ])
    func clientIDsNameTheInstanceAndTheConnectionInHex(_ id: UInt64, _ expected: String) {
        #expect(PriceStreamRoute.clientID(id, instance: "node-1") == expected)
    }

    @Test func theLongestInstanceIDStillFitsTheGreetingsFastPath() {
        let id = PriceStreamRoute.clientID(.max, instance: String(repeating: "a", count: InstanceIdentity.maximumLength))
        #expect(id.utf8.count == 2 + 48 + 1 + 16)
        #expect(id.utf8.count <= 80)
    }
}
