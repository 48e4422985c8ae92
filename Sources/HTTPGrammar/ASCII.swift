import Glibc

/// Byte classes and comparisons from RFC 9110/9112 grammar, in one place so the HTTP
/// parser, its headers and the WebSocket handshake agree on what a token, optional
/// whitespace or a case-insensitive match is. `@inlinable`: the parser calls these per byte.
public enum ASCII {
    public static let cr: UInt8 = 0x0D
    public static let lf: UInt8 = 0x0A
    public static let space: UInt8 = 0x20
    public static let tab: UInt8 = 0x09
    public static let colon: UInt8 = 0x3A
    public static let comma: UInt8 = 0x2C
    public static let slash: UInt8 = 0x2F
    public static let question: UInt8 = 0x3F
    public static let percent: UInt8 = 0x25
    public static let plus: UInt8 = 0x2B
    public static let ampersand: UInt8 = 0x26
    public static let equals: UInt8 = 0x3D
    public static let hash: UInt8 = 0x23
    public static let asterisk: UInt8 = 0x2A

    /// `tchar` (RFC 9110 §5.6.2): what method names and field names are made of.
    @inlinable public static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"),
            UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
            UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// Optional whitespace (OWS): SP or HTAB.
    @inlinable public static func isWhitespace(_ byte: UInt8) -> Bool { byte == space || byte == tab }

    /// `bytes` without leading and trailing optional whitespace (SP, HTAB; RFC 9110 5.6.3).
    @inlinable public static func trimmingWhitespace(_ bytes: Substring.UTF8View) -> Substring.UTF8View {
        var slice = bytes
        while let first = slice.first, isWhitespace(first) { slice.removeFirst() }
        while let last = slice.last, isWhitespace(last) { slice.removeLast() }
        return slice
    }

    @inlinable public static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// Value of a hex digit, or nil.
    @inlinable public static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        case 0x61...0x66: return byte - 0x61 + 10
        default: return nil
        }
    }

    /// The first index of `byte` at or after `start` (memchr: the generic
    /// `firstIndex(of:)` on buffer slices walks byte by byte through indices).
    @inlinable public static func firstIndex(of byte: UInt8, in bytes: UnsafeRawBufferPointer, from start: Int = 0) -> Int? {
        guard start < bytes.count, let base = bytes.baseAddress else { return nil }
        guard let found = memchr(base + start, Int32(byte), bytes.count - start) else { return nil }
        return UnsafeRawPointer(found) - base
    }

    @inlinable public static func lowercased(_ byte: UInt8) -> UInt8 {
        (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
    }

    /// ASCII case-insensitive equality; header names and tokens are ASCII, so no Unicode folding is needed.
    @inlinable public static func equalsIgnoringCase(_ lhs: Substring.UTF8View, _ rhs: Substring.UTF8View) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return zip(lhs, rhs).allSatisfy { lowercased($0) == lowercased($1) }
    }

    /// Every header lookup runs this over every field, so native strings compare as
    /// contiguous bytes (the count is O(1) for them) rather than through indices.
    @inlinable public static func equalsIgnoringCase(_ lhs: String, _ rhs: String) -> Bool {
        guard lhs.utf8.count == rhs.utf8.count else { return false }
        let contiguous = lhs.utf8.withContiguousStorageIfAvailable { left in
            rhs.utf8.withContiguousStorageIfAvailable { right in equalsIgnoringCase(left, right) }
        }
        if let contiguous, let result = contiguous { return result }
        return equalsIgnoringCase(lhs[...].utf8, rhs[...].utf8)
    }

    @inlinable public static func equalsIgnoringCase(_ lhs: UnsafeBufferPointer<UInt8>, _ rhs: UnsafeBufferPointer<UInt8>) -> Bool
    {
        guard lhs.count == rhs.count else { return false }
        for index in 0..<lhs.count where lhs[index] != rhs[index] {
            if lowercased(lhs[index]) != lowercased(rhs[index]) { return false }
        }
        return true
    }

    /// Decodes bytes as ISO-8859-1: every byte maps to the scalar of the same value, so
    /// decoding never fails and the original bytes remain recoverable.
    @inlinable public static func latin1String(_ bytes: UnsafeRawBufferPointer) -> String {
        if !bytes.contains(where: { $0 >= 0x80 }) {
            return String(decoding: bytes, as: UTF8.self)
        }
        var scalars = String.UnicodeScalarView()
        for byte in bytes { scalars.append(Unicode.Scalar(byte)) }
        return String(scalars)
    }

    /// Whether the comma-separated `value` (a list field such as `Connection`) holds
    /// `token`, compared without regard to case, elements trimmed of optional whitespace.
    @inlinable public static func list(_ value: String, contains token: String) -> Bool {
        var value = value
        var token = token
        return value.withUTF8 { bytes in
            token.withUTF8 { wanted in
                var start = 0
                while start <= bytes.count {
                    var end = start
                    while end < bytes.count && bytes[end] != comma { end += 1 }
                    var low = start
                    var high = end
                    while low < high && isWhitespace(bytes[low]) { low += 1 }
                    while high > low && isWhitespace(bytes[high - 1]) { high -= 1 }
                    if equalsIgnoringCase(UnsafeBufferPointer(rebasing: bytes[low..<high]), wanted) { return true }
                    start = end + 1
                }
                return false
            }
        }
    }
}
