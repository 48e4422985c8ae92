/// Incremental UTF-8 validation following Unicode Table 3-7 (well-formed byte sequences).
///
/// Text messages arrive in fragments that may split a code point, and RFC 6455 8.1
/// asks us to fail as soon as the bytes seen so far cannot be valid. The state
/// remembers which byte range the next continuation must fall in, which is exactly
/// what rejects overlongs (E0, F0), surrogates (ED) and code points above U+10FFFF (F4)
/// at their second byte.
public struct UTF8Validator: Sendable {
    /// What the next byte must be.
    @usableFromInline enum State: UInt8, Sendable {
        /// At a code point boundary: any lead byte.
        case boundary
        /// 1, 2 or 3 more continuation bytes in 80...BF.
        case tail1, tail2, tail3
        /// Second byte after E0 must be A0...BF (no overlongs).
        case afterE0
        /// Second byte after ED must be 80...9F (no surrogates).
        case afterED
        /// Second byte after F0 must be 90...BF (no overlongs).
        case afterF0
        /// Second byte after F4 must be 80...8F (nothing above U+10FFFF).
        case afterF4
        /// Already invalid; stays so until `reset`.
        case invalid
    }

    @usableFromInline var state: State = .boundary

    public init() {}

    /// True when everything fed so far ends on a code point boundary, as a complete message must.
    public var isAtBoundary: Bool { state == .boundary }

    /// Forgets all input, ready for the next message.
    public mutating func reset() { state = .boundary }

    /// Feeds the next chunk; false as soon as the input so far cannot be valid UTF-8.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard state != .invalid else { return false }
        let count = bytes.count
        guard count > 0, let base = bytes.baseAddress else { return true }
        var current = state
        var index = 0
        while index < count {
            // ASCII fast path: skip 8 bytes at a time while at a boundary.
            if current == .boundary {
                while index &+ 8 <= count,
                    base.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0
                {
                    index &+= 8
                }
                if index == count { break }
            }
            current = Self.step(current, base.load(fromByteOffset: index, as: UInt8.self))
            if current == .invalid {
                state = .invalid
                return false
            }
            index &+= 1
        }
        state = current
        return true
    }

    /// Feeds the next chunk; false as soon as the input so far cannot be valid UTF-8.
    public mutating func feed(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { feed($0) }
    }

    /// One transition of the automaton.
    @inline(__always)
    static func step(_ state: State, _ byte: UInt8) -> State {
        switch state {
        case .boundary:
            switch byte {
            case 0x00...0x7F: return .boundary
            case 0xC2...0xDF: return .tail1
            case 0xE0: return .afterE0
            case 0xE1...0xEC, 0xEE...0xEF: return .tail2
            case 0xED: return .afterED
            case 0xF0: return .afterF0
            case 0xF1...0xF3: return .tail3
            case 0xF4: return .afterF4
            // 80...BF lone continuation, C0/C1 overlong leads, F5...FF never appear.
            default: return .invalid
            }
        case .tail1: return isContinuation(byte) ? .boundary : .invalid
        case .tail2: return isContinuation(byte) ? .tail1 : .invalid
        case .tail3: return isContinuation(byte) ? .tail2 : .invalid
        case .afterE0: return (0xA0...0xBF).contains(byte) ? .tail1 : .invalid
        case .afterED: return (0x80...0x9F).contains(byte) ? .tail1 : .invalid
        case .afterF0: return (0x90...0xBF).contains(byte) ? .tail2 : .invalid
        case .afterF4: return (0x80...0x8F).contains(byte) ? .tail2 : .invalid
        case .invalid: return .invalid
        }
    }

    @inline(__always)
    static func isContinuation(_ byte: UInt8) -> Bool { byte & 0xC0 == 0x80 }
}
