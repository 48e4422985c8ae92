import CZlib

/// A client-side compressor for the tests: raw deflate that keeps its window from one
/// message to the next (context takeover, what `MessageDeflater` never does), with the
/// sync flush's `00 00 FF FF` removed as RFC 7692 7.2.1 says.
final class ContextDeflater {
    private let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)

    init(windowBits: Int32 = 15) {
        stream.initialize(to: z_stream())
        let status = deflateInit2_(
            stream, 6, Z_DEFLATED, -windowBits, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        precondition(status == Z_OK)
    }

    deinit {
        deflateEnd(stream)
        stream.deallocate()
    }

    /// The message compressed; `flush` Z_FINISH ends the stream with a final block instead.
    func compress(_ input: [UInt8], flush: Int32 = Z_SYNC_FLUSH) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: input.count * 2 + 64)
        var input = input
        let produced = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.pointee.next_in = source.baseAddress
                stream.pointee.avail_in = uInt(source.count)
                stream.pointee.next_out = target.baseAddress
                stream.pointee.avail_out = uInt(target.count)
                let status = deflate(stream, flush)
                precondition(status == Z_OK || status == Z_STREAM_END)
                return target.count - Int(stream.pointee.avail_out)
            }
        }
        let marker = flush == Z_SYNC_FLUSH ? 4 : 0
        return Array(output[..<(produced - marker)])
    }
}
