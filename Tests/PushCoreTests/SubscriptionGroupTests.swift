import Market
import Testing

@testable import PushCore

@Suite struct SubscriptionGroupTests {
    @Test func theSameKeysInAnyOrderShareOneSignature() {
        let a = SubscriptionKey(.strategy, "T1")
        let b = SubscriptionKey(.stock, "600519")
        let c = SubscriptionKey(.market, "SH")
        #expect(SubscriptionGroup.signature(of: [a, b, c]) == SubscriptionGroup.signature(of: [c, a, b]))
        #expect(SubscriptionGroup.signature(of: [a]) == [a])
    }

    @Test func differentKeysHaveDifferentSignatures() {
        let signatures: Set<[SubscriptionKey]> = [
            SubscriptionGroup.signature(of: [SubscriptionKey(.strategy, "T1")]),
            SubscriptionGroup.signature(of: [SubscriptionKey(.stock, "T1")]),
            SubscriptionGroup.signature(of: [SubscriptionKey(.strategy, "T1"), SubscriptionKey(.strategy, "T2")]),
            SubscriptionGroup.signature(of: [SubscriptionKey(.strategy, "T2")]),
        ]
        #expect(signatures.count == 4)
    }
}
