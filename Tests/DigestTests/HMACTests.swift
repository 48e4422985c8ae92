import Testing

@testable import Digest

@Suite struct HMACTests {
    // RFC 4231 test cases 1, 2, 3, 6 and 7 (HMAC-SHA-256).
    @Test(arguments: [
        (
            [UInt8](repeating: 0x0b, count: 20), Array("Hi There".utf8),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        ),
        (
            Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        ),
        (
            [UInt8](repeating: 0xaa, count: 20), [UInt8](repeating: 0xdd, count: 50),
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"
        ),
        (
            [UInt8](repeating: 0xaa, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        ),
        (
            [UInt8](repeating: 0xaa, count: 131),
            Array(
                "This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm."
                    .utf8),
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"
        ),
    ])
    func rfc4231(key: [UInt8], message: [UInt8], hex: String) {
        let mac = HMAC.sha256(key: key, message: message)
        #expect(Hex.string(mac) == hex)
    }

    @Test func constantTimeEqualsComparesWholeValues() {
        let mac = HMAC.sha256(key: Array("k".utf8), message: Array("m".utf8))
        var other = mac
        #expect(HMAC.constantTimeEquals(mac, other))
        other[31] ^= 1
        #expect(!HMAC.constantTimeEquals(mac, other))
        other = mac
        other[0] ^= 0x80
        #expect(!HMAC.constantTimeEquals(mac, other))
        #expect(!HMAC.constantTimeEquals(mac, Array(mac.dropLast())))
    }

    /// Secrets (the admin token) are compared through their SHA-256 digests, so the
    /// comparison runs over 32 bytes whatever the presented length: a wrong length is
    /// refused like any other wrong value, without an early return that would time it.
    @Test(arguments: [
        "", "s", "secret-token", "secret-token-", "secret-toke", "secret-tokeN", String(repeating: "x", count: 200),
    ])
    func secretsEqualOnlyForTheSameBytes(presented: String) {
        let secret = Array("secret-token".utf8)
        #expect(HMAC.secretsEqual(Array(presented.utf8), secret) == (presented == "secret-token"))
    }

    @Test func secretsEqualAcceptsEmptyAndLongSecrets() {
        let long = [UInt8](repeating: 0xA5, count: 1000)
        #expect(HMAC.secretsEqual(long, long))
        #expect(!HMAC.secretsEqual(long, Array(long.dropLast())))
        #expect(HMAC.secretsEqual([], []))
        #expect(!HMAC.secretsEqual([0], []))
    }
}
