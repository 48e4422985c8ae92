/// Standard Base64 (RFC 4648 section 4), for the handshake key and accept value.
///
/// Decoding is strict because it guards `Sec-WebSocket-Key`: only the standard
/// alphabet, mandatory padding, no whitespace, and zero bits in the unused tail.
/// The cores work between raw buffers, so the handshake allocates nothing for them.
public enum Base64 {
    static let pad = UInt8(ascii: "=")

    /// Characters `count` bytes encode to.
    public static func encodedCount(_ count: Int) -> Int { (count + 2) / 3 * 4 }

    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        let direct = bytes.withContiguousStorageIfAvailable { encode(UnsafeRawBufferPointer($0)) }
        return direct ?? Array(bytes).withUnsafeBytes { encode($0) }
    }

    public static func encode(_ input: UnsafeRawBufferPointer) -> String {
        String(unsafeUninitializedCapacity: encodedCount(input.count)) { output in
            encode(input, into: UnsafeMutableRawBufferPointer(output))
        }
    }

    /// Writes `encodedCount(input.count)` characters at the start of `output`; returns that count.
    @discardableResult
    public static func encode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Int {
        var written = 0
        func put(_ group: UInt32, _ sextets: Int) {
            for position in 0..<sextets {
                output[written] = character(UInt8(truncatingIfNeeded: (group >> UInt32(18 - 6 * position)) & 0x3F))
                written += 1
            }
            for _ in sextets..<4 {
                output[written] = pad
                written += 1
            }
        }
        var index = 0
        while index + 3 <= input.count {
            put(UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2]), 4)
            index += 3
        }
        switch input.count - index {
        case 1: put(UInt32(input[index]) << 16, 2)
        case 2: put(UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8, 3)
        default: break
        }
        return written
    }

    /// The decoded bytes, or `nil` for anything that is not canonical padded Base64.
    public static func decode(_ string: String) -> [UInt8]? {
        withUTF8(of: string) { input in
            var failed = false
            let output = [UInt8](unsafeUninitializedCapacity: input.count / 4 * 3) { buffer, count in
                guard let written = decode(input, into: UnsafeMutableRawBufferPointer(buffer)) else {
                    failed = true
                    count = 0
                    return
                }
                count = written
            }
            return failed ? nil : output
        }
    }

    /// How many bytes `string` decodes to, or `nil` if it is not canonical padded Base64.
    public static func decodedCount(_ string: String) -> Int? {
        withUTF8(of: string) { input in
            withUnsafeTemporaryAllocation(byteCount: input.count / 4 * 3, alignment: 1) { decode(input, into: $0) }
        }
    }

    /// Decodes into `output` (room for `input.count / 4 * 3` bytes); returns the count written.
    public static func decode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Int? {
        guard input.count % 4 == 0 else { return nil }
        var written = 0
        var index = 0
        while index < input.count {
            let isLast = index + 4 == input.count
            let padding = isLast ? (input[index + 3] == pad ? (input[index + 2] == pad ? 2 : 1) : 0) : 0
            var group: UInt32 = 0
            for offset in 0..<(4 - padding) {
                guard let value = sextet(input[index + offset]) else { return nil }
                group = group << 6 | UInt32(value)
            }
            group <<= UInt32(6 * padding)
            // The unused low bits of a padded group must be zero (canonical form).
            guard group & (padding == 0 ? 0 : padding == 1 ? 0xFF : 0xFFFF) == 0 else { return nil }
            for byte in 0..<(3 - padding) {
                output[written] = UInt8(truncatingIfNeeded: group >> UInt32(16 - 8 * byte))
                written += 1
            }
            index += 4
        }
        return written
    }

    private static func withUTF8<R>(of string: String, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        var string = string
        return string.withUTF8 { body(UnsafeRawBufferPointer($0)) }
    }

    /// The alphabet character of a 6-bit value.
    static func character(_ value: UInt8) -> UInt8 {
        switch value {
        case 0..<26: return UInt8(ascii: "A") + value
        case 26..<52: return UInt8(ascii: "a") + value - 26
        case 52..<62: return UInt8(ascii: "0") + value - 52
        case 62: return UInt8(ascii: "+")
        default: return UInt8(ascii: "/")
        }
    }

    /// The 6-bit value of an alphabet character; `nil` for anything else, including `=`.
    static func sextet(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return character - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return character - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return character - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): return 62
        case UInt8(ascii: "/"): return 63
        default: return nil
        }
    }
}
