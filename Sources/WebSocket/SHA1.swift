/// SHA-1 (FIPS 180-4), needed only for `Sec-WebSocket-Accept`.
///
/// SHA-1 is broken for collision resistance but the handshake uses it as a fixed
/// transform, not for security; written here to avoid a crypto dependency.
public enum SHA1 {
    /// The 20-byte digest of `bytes`.
    public static func hash(_ bytes: some Collection<UInt8>) -> [UInt8] {
        if let digest = bytes.withContiguousStorageIfAvailable({ hash(UnsafeRawBufferPointer($0)) }) {
            return digest
        }
        return Array(bytes).withUnsafeBytes { hash($0) }
    }

    /// The 20-byte digest of contiguous bytes.
    public static func hash(_ message: UnsafeRawBufferPointer) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: digestCount) { buffer, count in
            digest(message, into: UnsafeMutableRawBufferPointer(buffer))
            count = digestCount
        }
    }

    /// Bytes in a digest.
    public static let digestCount = 20

    /// Writes the digest of contiguous bytes into the first 20 bytes of `output`. Whole
    /// blocks are read in place, only the tail and its padding go through a 128-byte
    /// stack buffer (no copy of the message, no allocation).
    public static func digest(_ message: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) {
        var h: (UInt32, UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0)
        let wholeBlocks = message.count / 64
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 80) { w in
            for block in 0..<wholeBlocks {
                compress(&h, UnsafeRawBufferPointer(rebasing: message[(block * 64)..<(block * 64 + 64)]), w)
            }
            withUnsafeTemporaryAllocation(byteCount: 128, alignment: 8) { tail in
                let rest = message.count - wholeBlocks * 64
                let length = rest + 9 <= 64 ? 64 : 128  // the 0x80 byte and the 8-byte length must fit
                tail.initializeMemory(as: UInt8.self, repeating: 0)
                if rest > 0, let source = message.baseAddress {
                    tail.baseAddress!.copyMemory(from: source + wholeBlocks * 64, byteCount: rest)
                }
                tail[rest] = 0x80
                let bitLength = UInt64(message.count) &* 8
                for index in 0..<8 {
                    tail[length - 1 - index] = UInt8(truncatingIfNeeded: bitLength >> UInt64(index * 8))
                }
                let padded = UnsafeRawBufferPointer(tail)
                compress(&h, UnsafeRawBufferPointer(rebasing: padded[0..<64]), w)
                if length == 128 { compress(&h, UnsafeRawBufferPointer(rebasing: padded[64..<128]), w) }
            }
        }
        output.storeBytes(of: h.0.bigEndian, toByteOffset: 0, as: UInt32.self)
        output.storeBytes(of: h.1.bigEndian, toByteOffset: 4, as: UInt32.self)
        output.storeBytes(of: h.2.bigEndian, toByteOffset: 8, as: UInt32.self)
        output.storeBytes(of: h.3.bigEndian, toByteOffset: 12, as: UInt32.self)
        output.storeBytes(of: h.4.bigEndian, toByteOffset: 16, as: UInt32.self)
    }

    /// One 64-byte block into the state; `w` is the 80-word message schedule.
    private static func compress(
        _ h: inout (UInt32, UInt32, UInt32, UInt32, UInt32), _ block: UnsafeRawBufferPointer,
        _ w: UnsafeMutableBufferPointer<UInt32>
    ) {
        for t in 0..<16 {
            let offset = t * 4
            w[t] =
                UInt32(block[offset]) << 24 | UInt32(block[offset + 1]) << 16 | UInt32(block[offset + 2]) << 8
                | UInt32(block[offset + 3])
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

    @inline(__always)
    static func rotateLeft(_ value: UInt32, _ count: UInt32) -> UInt32 {
        (value << count) | (value >> (32 - count))
    }
}
