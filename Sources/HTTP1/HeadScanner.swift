import HTTPGrammar

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
    /// It jumps from line feed to line feed (memchr) rather than stepping through bytes.
    mutating func scan(_ bytes: UnsafeRawBufferPointer, limits: HTTPLimits) throws(HTTPParseError) -> Int? {
        var index = scanned
        defer { scanned = index }
        let count = bytes.count
        while index < count {
            guard let headerStart else {
                // The request line; one byte past the limit is tolerated only if it is the CR before LF.
                guard let lf = ASCII.firstIndex(of: ASCII.lf, in: bytes, from: index) else {
                    let length = count - lineStart
                    let max = limits.maxRequestLineBytes
                    if length > max + 1 || (length == max + 1 && bytes[lineStart + max] != ASCII.cr) { throw .uriTooLong }
                    index = count
                    return nil
                }
                let hasCR = lf > lineStart && bytes[lf - 1] == ASCII.cr
                if lf - lineStart - (hasCR ? 1 : 0) > limits.maxRequestLineBytes { throw .uriTooLong }
                self.headerStart = lf + 1
                lineStart = lf + 1
                index = lf + 1
                continue
            }
            if index == lineStart {
                // The empty line that ends the head: CRLF or a bare LF at the start of a line.
                let first = bytes[index]
                if first == ASCII.lf { return finish(length: index + 1, &index) }
                if first == ASCII.cr {
                    guard index + 1 < count else { return nil }  // look again when the next byte comes
                    if bytes[index + 1] == ASCII.lf { return finish(length: index + 2, &index) }
                } else {
                    fieldCount += 1
                    if fieldCount > limits.maxHeaderCount { throw .tooManyHeaders }
                }
                index += 1
            }
            guard let lf = ASCII.firstIndex(of: ASCII.lf, in: bytes, from: index) else {
                if count - headerStart > limits.maxHeaderBytes { throw .headersTooLarge }
                index = count
                return nil
            }
            if lf + 1 - headerStart > limits.maxHeaderBytes { throw .headersTooLarge }
            lineStart = lf + 1
            index = lf + 1
        }
        return nil
    }

    /// Resets for the next head on the connection.
    private mutating func finish(length: Int, _ index: inout Int) -> Int {
        self = HeadScanner()
        index = 0
        return length
    }
}
