/// HMAC-SHA-256 (RFC 2104) and a comparison whose time does not depend on where two
/// MACs first differ, so a forger learns nothing from response timing.
public enum HMAC {
    public static func sha256(key: some Collection<UInt8>, message: some Sequence<UInt8>) -> [UInt8] {
        var block = key.count > SHA256.blockSize ? SHA256.hash(key) : Array(key)
        block += [UInt8](repeating: 0, count: SHA256.blockSize - block.count)
        var inner = SHA256()
        inner.update(block.map { $0 ^ 0x36 })
        inner.update(message)
        var outer = SHA256()
        outer.update(block.map { $0 ^ 0x5c })
        outer.update(inner.finalize())
        return outer.finalize()
    }

    /// Whether a presented secret (an admin token) equals the expected one, in time that
    /// depends on neither's content nor length: both are hashed to SHA-256 and the fixed-size
    /// digests compared in constant time. (Comparing the secrets themselves would return
    /// early on a length mismatch and so tell a prober the secret's length.)
    public static func secretsEqual(_ presented: some Sequence<UInt8>, _ expected: some Sequence<UInt8>) -> Bool {
        constantTimeEquals(SHA256.hash(presented), SHA256.hash(expected))
    }

    /// Constant-time equality for values of a public, fixed length (MACs, digests): a
    /// length mismatch returns at once, so compare secrets with `secretsEqual`.
    public static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
