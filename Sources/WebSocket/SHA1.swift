/// SHA-1 (FIPS 180-4), needed only for `Sec-WebSocket-Accept`.
///
/// SHA-1 is broken for collision resistance but the handshake uses it as a fixed
/// transform, not for security; written here to avoid a crypto dependency.
public enum SHA1 {
    /// The 20-byte digest of `bytes`.
    public static func hash(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var message = Array(bytes)
        let bitLength = UInt64(message.count) &* 8
        let padding = (55 &- message.count) & 63  // zeros so that count + 1 + padding ≡ 56 (mod 64)
        message.reserveCapacity(message.count + 1 + padding + 8)
        message.append(0x80)
        message.append(contentsOf: repeatElement(0, count: padding))
        for shift in stride(from: 56, through: 0, by: -8) {
            message.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift)))
        }

        var h: (UInt32, UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0)
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 80) { w in
            message.withUnsafeBytes { raw in
                for blockStart in stride(from: 0, to: raw.count, by: 64) {
                    for t in 0..<16 {
                        let offset = blockStart + t * 4
                        w[t] =
                            UInt32(raw[offset]) << 24 | UInt32(raw[offset + 1]) << 16
                            | UInt32(raw[offset + 2]) << 8 | UInt32(raw[offset + 3])
                    }
                    for t in 16..<80 {
                        w[t] = rotateLeft(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1)
                    }
                    var (a, b, c, d, e) = h
                    // Four 20-round stages, each with its own function and constant.
                    @inline(__always) func round(_ f: UInt32, _ k: UInt32, _ word: UInt32) {
                        let temp = rotateLeft(a, 5) &+ f &+ e &+ k &+ word
                        e = d
                        d = c
                        c = rotateLeft(b, 30)
                        b = a
                        a = temp
                    }
                    for t in 0..<20 { round((b & c) | (~b & d), 0x5A82_7999, w[t]) }
                    for t in 20..<40 { round(b ^ c ^ d, 0x6ED9_EBA1, w[t]) }
                    for t in 40..<60 { round((b & c) | (b & d) | (c & d), 0x8F1B_BCDC, w[t]) }
                    for t in 60..<80 { round(b ^ c ^ d, 0xCA62_C1D6, w[t]) }
                    h = (h.0 &+ a, h.1 &+ b, h.2 &+ c, h.3 &+ d, h.4 &+ e)
                }
            }
        }

        var digest: [UInt8] = []
        digest.reserveCapacity(20)
        for word in [h.0, h.1, h.2, h.3, h.4] {
            digest.append(UInt8(truncatingIfNeeded: word >> 24))
            digest.append(UInt8(truncatingIfNeeded: word >> 16))
            digest.append(UInt8(truncatingIfNeeded: word >> 8))
            digest.append(UInt8(truncatingIfNeeded: word))
        }
        return digest
    }

    @inline(__always)
    static func rotateLeft(_ value: UInt32, _ count: UInt32) -> UInt32 {
        (value << count) | (value >> (32 - count))
    }
}
