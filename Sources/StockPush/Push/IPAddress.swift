/// An IPv4 or IPv6 address as 128 bits, IPv4 stored in the IPv4-mapped range
/// (`::ffff:a.b.c.d`), so one comparison serves both families and a dual-stack
/// socket's `::ffff:127.0.0.1` is the same host as `127.0.0.1`.
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    public let high: UInt64
    public let low: UInt64

    init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// True for addresses in the IPv4-mapped range (written as dotted quads).
    public var isIPv4: Bool { high == 0 && low >> 32 == 0xFFFF }

    /// Parses a dotted quad or an IPv6 address (RFC 4291 text, `::` and a dotted
    /// tail allowed; no zone). Nil for anything else.
    public init?(_ text: Substring) {
        if let v4 = Self.parseIPv4(text) {
            self.init(high: 0, low: 0xFFFF_0000_0000 | UInt64(v4))
        } else if let groups = Self.parseIPv6(text) {
            var high: UInt64 = 0
            var low: UInt64 = 0
            for index in 0..<4 { high = high << 16 | UInt64(groups[index]) }
            for index in 4..<8 { low = low << 16 | UInt64(groups[index]) }
            self.init(high: high, low: low)
        } else {
            return nil
        }
    }

    /// The canonical text: a dotted quad for IPv4, RFC 5952 for IPv6 (lowercase,
    /// longest zero run as `::`), so one host always has one spelling in limits.
    public var description: String {
        if isIPv4 {
            let value = UInt32(truncatingIfNeeded: low)
            return "\(value >> 24).\(value >> 16 & 0xFF).\(value >> 8 & 0xFF).\(value & 0xFF)"
        }
        let groups = (0..<8).map { index in
            UInt16(truncatingIfNeeded: (index < 4 ? high : low) >> UInt64(16 * (3 - index % 4)))
        }
        var best = (start: -1, length: 1)
        var index = 0
        while index < 8 {
            var end = index
            while end < 8 && groups[end] == 0 { end += 1 }
            if end - index > best.length { best = (index, end - index) }
            index = max(end, index + 1)
        }
        func text(_ range: Range<Int>) -> String { range.map { String(groups[$0], radix: 16) }.joined(separator: ":") }
        guard best.start >= 0 else { return text(0..<8) }
        return text(0..<best.start) + "::" + text((best.start + best.length)..<8)
    }

    /// Four decimal parts 0...255 without leading zeros (which some tools read as octal).
    static func parseIPv4(_ text: Substring) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard (1...3).contains(part.utf8.count), part.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                part.utf8.count == 1 || part.utf8.first != 0x30, let byte = UInt32(part), byte <= 255
            else { return nil }
            value = value << 8 | byte
        }
        return value
    }

    /// Eight 16-bit groups, with at most one `::` standing for the missing zeros.
    static func parseIPv6(_ text: Substring) -> [UInt16]? {
        guard text.contains(":") else { return nil }
        guard let gap = text.firstRange(of: "::") else {
            guard let groups = groups(text, dottedTail: true), groups.count == 8 else { return nil }
            return groups
        }
        let tail = text[gap.upperBound...]
        guard tail.firstRange(of: "::") == nil, let head = groups(text[..<gap.lowerBound], dottedTail: false),
            let rest = groups(tail, dottedTail: true), head.count + rest.count <= 7
        else { return nil }
        return head + Array(repeating: 0, count: 8 - head.count - rest.count) + rest
    }

    private static func groups(_ text: Substring, dottedTail: Bool) -> [UInt16]? {
        if text.isEmpty { return [] }
        let pieces = text.split(separator: ":", omittingEmptySubsequences: false)
        var result: [UInt16] = []
        for (index, piece) in pieces.enumerated() {
            if dottedTail, index == pieces.count - 1, piece.contains("."), let v4 = parseIPv4(piece) {
                result += [UInt16(v4 >> 16), UInt16(v4 & 0xFFFF)]
                continue
            }
            guard (1...4).contains(piece.utf8.count), piece.allSatisfy(\.isHexDigit), let group = UInt16(piece, radix: 16)
            else { return nil }
            result.append(group)
        }
        return result
    }
}
