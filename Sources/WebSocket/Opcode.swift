/// A WebSocket frame opcode (RFC 6455 section 5.2).
///
/// A struct rather than an enum because the wire can carry any 4-bit value; the
/// decoder must be able to name an unknown one in its error before rejecting it.
public struct Opcode: Hashable, Sendable {
    public let rawValue: UInt8

    @inlinable
    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    // Computed and inlinable rather than stored: another module reading a stored
    // static goes through its addressor, a call on the fan-out's per-client path.
    @inlinable public static var continuation: Opcode { Opcode(rawValue: 0x0) }
    @inlinable public static var text: Opcode { Opcode(rawValue: 0x1) }
    @inlinable public static var binary: Opcode { Opcode(rawValue: 0x2) }
    @inlinable public static var close: Opcode { Opcode(rawValue: 0x8) }
    @inlinable public static var ping: Opcode { Opcode(rawValue: 0x9) }
    @inlinable public static var pong: Opcode { Opcode(rawValue: 0xA) }

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
