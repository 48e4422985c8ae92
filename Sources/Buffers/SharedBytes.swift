import Glibc

/// Immutable bytes at a stable address, shared by reference.
///
/// The fan-out encodes a frame once and queues the same `SharedBytes` on every
/// connection that should receive it; `writev` reads straight from `baseAddress`,
/// so no connection copies the bytes. Immutable after `init`, hence `Sendable`.
public final class SharedBytes: Sendable {
    // Written only inside init; afterwards read-only from any thread.
    nonisolated(unsafe) public let baseAddress: UnsafeRawPointer
    public let count: Int

    /// Allocates `count` bytes and lets `initialize` fill all of them.
    public init(count: Int, initialize: (UnsafeMutableRawBufferPointer) -> Void) {
        // malloc directly (16-byte aligned on glibc): Swift's allocate(byteCount:alignment:)
        // goes through posix_memalign on Linux at any alignment, several times the cost.
        guard let storage = malloc(Swift.max(count, 1)) else { fatalError("out of memory allocating \(count) bytes") }
        initialize(UnsafeMutableRawBufferPointer(start: storage, count: count))
        baseAddress = UnsafeRawPointer(storage)
        self.count = count
    }

    public convenience init(copying bytes: UnsafeRawBufferPointer) {
        self.init(count: bytes.count) { target in
            if bytes.count > 0 { target.copyMemory(from: bytes) }
        }
    }

    public convenience init(_ bytes: [UInt8]) {
        self.init(count: bytes.count) { target in
            bytes.withUnsafeBytes { source in
                if source.count > 0 { target.copyMemory(from: source) }
            }
        }
    }

    /// Copies the readable bytes of `buffer`.
    public convenience init(_ buffer: ByteBuffer) {
        self.init(count: buffer.readableBytes) { target in
            buffer.withUnsafeReadableBytes { source in
                if source.count > 0 { target.copyMemory(from: source) }
            }
        }
    }

    deinit {
        free(UnsafeMutableRawPointer(mutating: baseAddress))
    }

    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: baseAddress, count: count) }

    /// A copy as an array (tests, cold paths).
    public var array: [UInt8] { Array(bytes) }
}
