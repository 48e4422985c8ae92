import CLibPQ
import Glibc

/// libpq's messages end with a newline (and sometimes carry several lines); we want one tidy string.
func trimmedMessage(_ pointer: UnsafePointer<CChar>?) -> String {
    guard let pointer else { return "" }
    var text = String(cString: pointer)
    while let last = text.last, last.isWhitespace { text.removeLast() }
    return text
}

/// Calls `body` with a NULL-terminated array of C strings that lives for the duration of the call,
/// the shape libpq's keyword/value APIs take.
func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    let array = copies.map { UnsafePointer($0) } + [nil]
    return array.withUnsafeBufferPointer { body($0.baseAddress!) }
}
