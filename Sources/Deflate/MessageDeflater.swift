import CZlib
import Glibc

/// Compresses whole WebSocket messages for permessage-deflate (RFC 7692 7.2.1), each
/// with a fresh context: the server never takes its LZ77 window over from one message
/// to the next, so one deflater serves every connection of a loop (zlib's state is
/// ~256 KiB at the default settings; one per connection would cost more than the
/// connection itself) and a body compressed once is valid for every recipient.
///
/// Loop-bound: `compress` returns a view of a scratch buffer the next call overwrites,
/// so copy it before the next call, and while the deflater is still referenced (a
/// temporary `MessageDeflater().compress(…)` may be freed before its result is read).
public final class MessageDeflater {
    /// The LZ77 window every message is compressed with. 2^9 is the smallest zlib's raw
    /// deflate supports; on price updates it compresses as well as 2^15 (the quotes
    /// that repeat are close together), costs less memory and time, and serves every
    /// `server_max_window_bits` from 9 to 15 with the same bytes.
    public static let windowBits = 9

    private let stream: UnsafeMutablePointer<z_stream>
    private var scratch: UnsafeMutableRawBufferPointer

    /// `level`: zlib's 1 (fastest) to 9 (smallest); 6 is its default.
    public init(level: Int32 = 6) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // Raw deflate (negative window bits: no zlib header or checksum), as RFC 7692 wants.
        let status = deflateInit2_(
            stream, level, Z_DEFLATED, -Int32(Self.windowBits), 8, Z_DEFAULT_STRATEGY, zlibVersion(),
            Int32(MemoryLayout<z_stream>.size))
        precondition(status == Z_OK, "deflateInit2 failed (\(status)): zlib is unusable")
        scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 1)
    }

    deinit {
        deflateEnd(stream)
        stream.deallocate()
        scratch.deallocate()
    }

    /// The compressed payload of a message of `input`: raw DEFLATE blocks ended by a sync
    /// flush whose final empty stored block's `00 00 FF FF` is removed (RFC 7692 7.2.1);
    /// the receiver appends them again. Valid until the next call (see the type's note).
    public func compress(_ input: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        deflateReset(stream)
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(input.count)
        // Room for the worst case (stored blocks) plus the flush marker, so one call suffices;
        // the loop covers zlib's note that a sync flush may exceed deflateBound.
        reserve(Int(deflateBound(stream, uLong(input.count))) + 16)
        var produced = 0
        while true {
            let room = scratch.count - produced
            stream.pointee.next_out = (scratch.baseAddress! + produced).assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = uInt(room)
            let status = deflate(stream, Z_SYNC_FLUSH)
            precondition(status == Z_OK || status == Z_BUF_ERROR, "deflate failed (\(status))")
            produced += room - Int(stream.pointee.avail_out)
            if stream.pointee.avail_out > 0 { break }
            reserve(scratch.count * 2)
        }
        // A sync flush always ends with the empty stored block's LEN/NLEN.
        precondition(produced >= 4, "deflate produced no flush marker")
        return UnsafeRawBufferPointer(rebasing: scratch[..<(produced - 4)])
    }

    /// Grows the scratch buffer to at least `count` bytes, keeping what it holds.
    private func reserve(_ count: Int) {
        guard scratch.count < count else { return }
        let grown = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 1)
        grown.copyMemory(from: UnsafeRawBufferPointer(scratch))
        scratch.deallocate()
        scratch = grown
    }
}

@available(*, unavailable)
extension MessageDeflater: Sendable {}
