/// The secret a client presents to resume its session on a new connection: 128 random
/// bits, written as 32 lowercase hex digits.
///
/// Two words rather than a `String`, so giving every connection one costs the client's
/// record 16 bytes and no allocation; the hex text is written only into the
/// `connected` frame and the session's Redis key. Made by the shell (`ResumeToken.random`
/// in StockPush): drawing random bits is a system call, which this module never makes.
public struct ResumeToken: Hashable, Sendable, CustomStringConvertible {
    public let high: UInt64
    public let low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Characters of the text form.
    public static let length = 32

    /// Parses the text form; nil for anything else (upper case, other lengths), so one
    /// token has one spelling.
    public init?(_ text: String) {
        var text = text
        guard let words = text.withUTF8({ ResumeToken.words(of: $0) }) else { return nil }
        (high, low) = words
    }

    private static func words(of bytes: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64)? {
        guard bytes.count == length else { return nil }
        var words: (UInt64, UInt64) = (0, 0)
        for (index, byte) in bytes.enumerated() {
            let nibble: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = byte - UInt8(ascii: "a") + 10
            default: return nil
            }
            if index < 16 {
                words.0 = words.0 << 4 | UInt64(nibble)
            } else {
                words.1 = words.1 << 4 | UInt64(nibble)
            }
        }
        return words
    }

    /// Writes the 32 hex digits at the start of `target` (which must hold them).
    public func write(into target: UnsafeMutableRawBufferPointer) {
        precondition(target.count >= ResumeToken.length, "a resume token needs 32 bytes")
        for index in 0..<ResumeToken.length {
            let word = index < 16 ? high : low
            let nibble = UInt8((word >> UInt64(4 * (15 - index % 16))) & 0xF)
            target[index] = nibble < 10 ? 0x30 + nibble : 0x57 + nibble
        }
    }

    public var description: String {
        String(unsafeUninitializedCapacity: ResumeToken.length) { text in
            write(into: UnsafeMutableRawBufferPointer(text))
            return ResumeToken.length
        }
    }
}
