/// A CIDR range such as `10.0.0.0/8` or `::1/128`; a bare address is a single host.
/// IPv4 prefixes count inside the IPv4-mapped range, so `0.0.0.0/0` is every IPv4
/// address and no native IPv6 one.
public struct IPNetwork: Sendable, Equatable, CustomStringConvertible {
    public let address: IPAddress
    /// Leading bits that must match, 0...128 over the 128-bit form.
    public let prefixBits: Int

    /// Nil when `text` is not an address with an optional `/prefix` in its family's range.
    public init?(_ text: Substring) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let address = IPAddress(parts[0]) else { return nil }
        let width = address.isIPv4 ? 32 : 128
        var prefix = width
        if parts.count == 2 {
            let digits = parts[1]
            guard (1...3).contains(digits.utf8.count), digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                let value = Int(digits), value <= width
            else { return nil }
            prefix = value
        }
        prefixBits = prefix + (128 - width)
        let masks = Self.masks(prefixBits)
        self.address = IPAddress(high: address.high & masks.high, low: address.low & masks.low)
    }

    public func contains(_ candidate: IPAddress) -> Bool {
        let masks = Self.masks(prefixBits)
        return candidate.high & masks.high == address.high && candidate.low & masks.low == address.low
    }

    public var description: String {
        "\(address)/\(address.isIPv4 && prefixBits >= 96 ? prefixBits - 96 : prefixBits)"
    }

    /// Swift's `<<` yields 0 past the width, which makes /0 and /64 fall out naturally.
    private static func masks(_ bits: Int) -> (high: UInt64, low: UInt64) {
        let high: UInt64 = bits >= 64 ? ~0 : ~0 << UInt64(64 - bits)
        let low: UInt64 = bits <= 64 ? 0 : ~0 << UInt64(128 - bits)
        return (high, low)
    }
}
