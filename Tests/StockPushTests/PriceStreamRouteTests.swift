import Testing

@testable import StockPush

@Suite struct PriceStreamRouteTests {
    @Test(arguments: [
        (UInt64(0), "c_00000000"), (0x1a2b, "c_00001a2b"), (0xdead_beef, "c_deadbeef"), (0x1_2345_6789, "c_123456789"),
        (UInt64.max, "c_ffffffffffffffff"),
    ])
    func clientIDsAreTheConnectionIDInAtLeastEightHexDigits(_ id: UInt64, _ expected: String) {
        #expect(PriceStreamRoute.clientID(id) == expected)
    }
}
