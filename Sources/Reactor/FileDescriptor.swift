import Glibc

/// A kernel file descriptor with exactly one owner; closed by `close()` or on drop.
public struct FileDescriptor: ~Copyable {
    public let rawValue: Int32

    public init(taking rawValue: Int32) {
        precondition(rawValue >= 0, "invalid file descriptor")
        self.rawValue = rawValue
    }

    public consuming func close() {
        // Dropping self runs deinit, which closes.
    }

    /// Gives up ownership without closing (the caller now owns `rawValue`).
    public consuming func release() -> Int32 {
        let value = rawValue
        discard self
        return value
    }

    deinit {
        // close(2) must not be retried on EINTR on Linux: the fd is gone either way.
        _ = Glibc.close(rawValue)
    }
}
