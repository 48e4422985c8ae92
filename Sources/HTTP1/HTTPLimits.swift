/// Size limits that bound the memory one connection can make the parser hold.
public struct HTTPLimits: Sendable, Equatable {
    /// Longest request line, excluding its line terminator.
    public var maxRequestLineBytes: Int
    /// Longest header section: the field lines including their line terminators,
    /// excluding the request line and the final empty line.
    public var maxHeaderBytes: Int
    /// Most header field lines in one request.
    public var maxHeaderCount: Int
    /// Largest accepted `Content-Length`.
    public var maxBodyBytes: Int

    public init(
        maxRequestLineBytes: Int = 8192,
        maxHeaderBytes: Int = 16384,
        maxHeaderCount: Int = 100,
        maxBodyBytes: Int = 1 << 20
    ) {
        self.maxRequestLineBytes = maxRequestLineBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
    }
}
