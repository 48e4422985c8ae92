import Glibc
import PushProtocol

extension ResumeToken {
    /// A fresh token: 128 bits from the kernel's cryptographic generator in one call
    /// (glibc's `arc4random_buf` is one `getrandom`; the standard library's generator
    /// would make one per 64 bits, and a handshake draws a token).
    static func random() -> ResumeToken {
        var words: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &words) { arc4random_buf($0.baseAddress!, $0.count) }
        return ResumeToken(high: words.0, low: words.1)
    }
}
