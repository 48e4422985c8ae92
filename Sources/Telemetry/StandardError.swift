import Glibc

/// Unbuffered writes to fd 2 (Glibc's `stderr` global is not concurrency-safe).
public enum StandardError {
    /// Writes all of `text`, retrying after EINTR and partial writes; gives up silently
    /// on any other error, since there is nowhere left to report it.
    @Sendable public static func write(_ text: String) {
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(2, raw.baseAddress! + offset, raw.count - offset)
                if written <= 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }
}
