/// Why a compressed message could not be inflated; the WebSocket layer turns these into
/// close codes (1007 for bad data, 1009 for too much of it).
public enum InflateError: Error, Equatable, Sendable {
    /// Not valid DEFLATE data (zlib's message, when it gave one), or data after a final block.
    case invalidData(String)
    /// The message inflates to more than `limit` bytes (a decompression bomb, or just big).
    case tooLarge(limit: Int)
}
