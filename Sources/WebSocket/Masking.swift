/// XOR masking shared by the decoder (unmask client frames) and the client-side encoder.
///
/// Works a machine word at a time: the 4-byte key repeated twice is the same
/// 8-byte pattern in either byte order, so no endianness handling is needed.
@usableFromInline
enum Masking {
    /// Writes `source[i] ^ key[i % 4]` to `destination[i]`; both must have `source.count` bytes.
    @inlinable
    static func apply(
        key: (UInt8, UInt8, UInt8, UInt8),
        from source: UnsafeRawBufferPointer,
        to destination: UnsafeMutableRawBufferPointer
    ) {
        let count = source.count
        guard count > 0, let src = source.baseAddress, let dst = destination.baseAddress else { return }
        precondition(destination.count >= count)
        var key32: UInt32 = 0
        withUnsafeMutableBytes(of: &key32) { raw in
            raw[0] = key.0
            raw[1] = key.1
            raw[2] = key.2
            raw[3] = key.3
        }
        let key64 = UInt64(key32) | (UInt64(key32) << 32)
        var index = 0
        while index &+ 8 <= count {
            let word = src.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            dst.storeBytes(of: word ^ key64, toByteOffset: index, as: UInt64.self)
            index &+= 8
        }
        // index is a multiple of 8 here, so the key phase restarts at key.0.
        withUnsafeBytes(of: key32) { keyBytes in
            while index < count {
                let byte = src.load(fromByteOffset: index, as: UInt8.self) ^ keyBytes[index & 3]
                dst.storeBytes(of: byte, toByteOffset: index, as: UInt8.self)
                index &+= 1
            }
        }
    }
}
