/// Finds the end of a request head (request line + header section) across calls.
///
/// It remembers how far it got, so bytes arriving in small pieces are each looked at
/// once (no quadratic re-scan), and it enforces the size and count limits while the
/// head is still incomplete, so an oversized head is rejected without buffering it all.
/// Offsets are relative to the buffer's reader index, which must not move while a
/// head is in progress.
struct HeadScanner: Sendable {
    /// Bytes already examined.
    private(set) var scanned = 0
    /// Start of the line being scanned.
    private var lineStart = 0
    /// Offset just after the request line's LF, once it has been seen.
    private var headerStart: Int?
    /// Field lines started so far.
    private var fieldCount = 0

    /// Returns the length of the head (through the LF of the empty line) once complete.
    mutating func scan(_ bytes: UnsafeRawBufferPointer, limits: HTTPLimits) throws(HTTPParseError) -> Int? {
        var index = scanned
        defer { scanned = index }
        while index < bytes.count {
            let byte = bytes[index]
            let column = index - lineStart
            if let headerStart {
                // The empty line that ends the head: CRLF or a bare LF at the start of a line.
                let inEmptyLine =
                    (column == 0 && (byte == ASCII.cr || byte == ASCII.lf))
                    || (column == 1 && byte == ASCII.lf && bytes[lineStart] == ASCII.cr)
                if inEmptyLine {
                    if byte == ASCII.lf {
                        let length = index + 1
                        self = HeadScanner()
                        index = 0
                        return length
                    }
                } else {
                    if column == 0 {
                        fieldCount += 1
                        if fieldCount > limits.maxHeaderCount { throw .tooManyHeaders }
                    }
                    if index + 1 - headerStart > limits.maxHeaderBytes { throw .headersTooLarge }
                    if byte == ASCII.lf { lineStart = index + 1 }
                }
            } else if byte == ASCII.lf {
                let hasCR = column > 0 && bytes[index - 1] == ASCII.cr
                if column - (hasCR ? 1 : 0) > limits.maxRequestLineBytes { throw .uriTooLong }
                headerStart = index + 1
                lineStart = index + 1
            } else {
                // One byte past the limit is tolerated only if it is the CR of the terminator.
                let length = column + 1
                if length > limits.maxRequestLineBytes
                    && !(length == limits.maxRequestLineBytes + 1 && byte == ASCII.cr)
                {
                    throw .uriTooLong
                }
            }
            index += 1
        }
        return nil
    }
}
