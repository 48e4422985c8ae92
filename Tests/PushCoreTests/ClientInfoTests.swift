import PushCore
import Testing

@Suite struct ClientInfoTests {
    @Test(arguments: [
        (UInt64(0), "c_node-1_0"), (0x1a, "c_node-1_1a"), (0xdead_beef, "c_node-1_deadbeef"),
        (0x1_2345_6789, "c_node-1_123456789"), (UInt64.max, "c_node-1_ffffffffffffffff"),
    ])
    func clientIDsNameTheInstanceAndTheConnectionInHex(_ id: UInt64, _ expected: String) {
        #expect(ClientInfo.clientID(id, instance: "node-1") == expected)
    }

    /// The id is made from the instance and the connection number, not stored.
    @Test func aClientsIDIsItsInstanceAndConnection() {
        let info = ClientInfo(
            instance: "node-1", connection: 0x4e20, user: "u", authenticated: false, remoteAddress: "a", connectedAt: 0)
        #expect(info.clientID == "c_node-1_4e20")
    }
}
