/// A DEFLATE stored (uncompressed) block header (RFC 1951 3.2.4): BFINAL=0, BTYPE=00
/// (the three header bits and the padding to the byte boundary are one zero byte),
/// then LEN and its ones' complement NLEN, little-endian.
///
/// Lets a message's per-client start go in front of a body compressed once for many
/// clients: both are byte-aligned pieces of one DEFLATE stream, since the body's
/// compressed data starts a new block at a byte boundary.
public enum StoredBlock {
    /// Bytes before the stored data.
    public static let headerSize = 5
    /// The most a stored block can hold.
    public static let maxLength = 0xFFFF

    /// Writes the header for `length` stored bytes at `offset` of `target`.
    @inlinable @inline(__always)
    public static func writeHeader(length: Int, into target: UnsafeMutableRawBufferPointer, at offset: Int) {
        precondition(length >= 0 && length <= maxLength, "a stored block holds at most 65535 bytes")
        precondition(target.count - offset >= headerSize, "no room for the stored block header")
        let len = UInt16(truncatingIfNeeded: length)
        target[offset] = 0
        target[offset + 1] = UInt8(truncatingIfNeeded: len)
        target[offset + 2] = UInt8(truncatingIfNeeded: len >> 8)
        target[offset + 3] = UInt8(truncatingIfNeeded: ~len)
        target[offset + 4] = UInt8(truncatingIfNeeded: ~len >> 8)
    }
}
