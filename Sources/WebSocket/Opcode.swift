/// A WebSocket frame opcode (RFC 6455 section 5.2).
///
/// A struct rather than an enum because the wire can carry any 4-bit value; the
/// decoder must be able to name an unknown one in its error before rejecting it.
public struct Opcode: Hashable, Sendable {
    public let rawValue: UInt8

    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    public static let continuation = Opcode(rawValue: 0x0)
    public static let text = Opcode(rawValue: 0x1)
    public static let binary = Opcode(rawValue: 0x2)
    public static let close = Opcode(rawValue: 0x8)
    public static let ping = Opcode(rawValue: 0x9)
    public static let pong = Opcode(rawValue: 0xA)

    /// Control frames (high bit of the opcode nibble) may not be fragmented and carry at most 125 bytes.
    @inlinable public var isControl: Bool { rawValue & 0x8 != 0 }

    /// Whether RFC 6455 defines this opcode; the others are reserved and must fail the connection.
    @inlinable public var isKnown: Bool {
        switch rawValue {
        case 0x0, 0x1, 0x2, 0x8, 0x9, 0xA: return true
        default: return false
        }
    }
}

extension Opcode: CustomStringConvertible {
    public var description: String {
        switch rawValue {
        case 0x0: return "continuation"
        case 0x1: return "text"
        case 0x2: return "binary"
        case 0x8: return "close"
        case 0x9: return "ping"
        case 0xA: return "pong"
        default: return "opcode(\(rawValue))"
        }
    }
}
