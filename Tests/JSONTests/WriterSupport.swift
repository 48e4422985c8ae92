import Buffers

@testable import JSON

extension Support {
    /// What a fresh writer produced, as text.
    static func text(_ build: (inout JSONWriter) -> Void) -> String {
        var writer = JSONWriter()
        build(&writer)
        return writer.buffer.withUnsafeReadableBytes { String(decoding: $0, as: UTF8.self) }
    }
}
