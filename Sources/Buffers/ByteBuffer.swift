/// A growable byte buffer with separate reader and writer indices.
///
/// Codecs consume from the front (`moveReaderIndex`) and the reactor appends at the
/// back, so a partially received frame or request stays in place until it completes.
/// Storage is a fully initialised `[UInt8]` whose `count` is the capacity; consumed
/// bytes are reclaimed by compaction instead of reallocation.
public struct ByteBuffer: Sendable {
    @usableFromInline var storage: [UInt8]
    @usableFromInline var readerIndex: Int
    @usableFromInline var writerIndex: Int

    public init() {
        storage = []
        readerIndex = 0
        writerIndex = 0
    }

    public init(capacity: Int) {
        storage = [UInt8](repeating: 0, count: capacity)
        readerIndex = 0
        writerIndex = 0
    }

    public init(bytes: some Collection<UInt8>) {
        storage = Array(bytes)
        readerIndex = 0
        writerIndex = storage.count
    }

    public init(string: String) {
        self.init(bytes: Array(string.utf8))
    }

    /// Bytes written but not yet consumed.
    @inlinable public var readableBytes: Int { writerIndex - readerIndex }
    @inlinable public var isEmpty: Bool { writerIndex == readerIndex }
    /// Allocated size; callers use it to release buffers that grew for one large message.
    @inlinable public var capacity: Int { storage.count }

    /// The readable byte at `offset` from the reader index.
    @inlinable public subscript(offset: Int) -> UInt8 {
        precondition(offset >= 0 && offset < readableBytes, "ByteBuffer index out of range")
        return storage[readerIndex &+ offset]
    }

    /// Consumes `count` readable bytes.
    @inlinable public mutating func moveReaderIndex(by count: Int) {
        precondition(count >= 0 && count <= readableBytes, "consuming more than is readable")
        readerIndex &+= count
        if readerIndex == writerIndex {
            readerIndex = 0
            writerIndex = 0
        }
    }

    /// Forgets every byte but keeps the allocation.
    @inlinable public mutating func clear() {
        readerIndex = 0
        writerIndex = 0
    }

    /// Copies out and consumes `count` bytes.
    public mutating func readBytes(_ count: Int) -> [UInt8] {
        precondition(count >= 0 && count <= readableBytes)
        let result = Array(storage[readerIndex..<(readerIndex + count)])
        moveReaderIndex(by: count)
        return result
    }

    /// A copy of the readable bytes (tests, cold paths).
    public var readableBytesArray: [UInt8] { Array(storage[readerIndex..<writerIndex]) }

    @inlinable public func withUnsafeReadableBytes<R, E: Error>(
        _ body: (UnsafeRawBufferPointer) throws(E) -> R
    ) throws(E) -> R {
        // Array's closures rethrow untyped errors; carry the typed one out in a Result.
        let range = readerIndex..<writerIndex
        let result: Result<R, E> = storage.withUnsafeBytes { raw in
            do throws(E) { return .success(try body(UnsafeRawBufferPointer(rebasing: raw[range]))) } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Mutable access to the readable bytes, e.g. to unmask a payload in place.
    @inlinable public mutating func withUnsafeMutableReadableBytes<R, E: Error>(
        _ body: (UnsafeMutableRawBufferPointer) throws(E) -> R
    ) throws(E) -> R {
        let range = readerIndex..<writerIndex
        let result: Result<R, E> = storage.withUnsafeMutableBytes { raw in
            do throws(E) { return .success(try body(UnsafeMutableRawBufferPointer(rebasing: raw[range]))) } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Makes room for at least `count` more bytes after the writer index, compacting first.
    /// The check is inlined into every write; only growing is a call.
    @inlinable @inline(__always) public mutating func reserveWritable(_ count: Int) {
        if storage.count &- writerIndex >= count { return }
        grow(toWrite: count)
    }

    @usableFromInline mutating func grow(toWrite count: Int) {
        if readerIndex > 0 { compact() }
        if storage.count - writerIndex >= count { return }
        var newCapacity = Swift.max(storage.count * 2, 64)
        while newCapacity - writerIndex < count { newCapacity *= 2 }
        // Array(repeating:) fills with memset; a generic repeatElement append is byte-by-byte.
        storage.append(contentsOf: [UInt8](repeating: 0, count: newCapacity - storage.count))
    }

    /// Moves the readable bytes to the front so their space can be reused.
    @usableFromInline mutating func compact() {
        let count = readableBytes
        if count > 0 && readerIndex > 0 {
            storage.withUnsafeMutableBytes { raw in
                guard let base = raw.baseAddress else { return }
                (base).copyMemory(from: base + readerIndex, byteCount: count)
            }
        }
        readerIndex = 0
        writerIndex = count
    }

    /// Lets `body` write into the writable tail (at least `minimumWritable` bytes) and
    /// commits the number of bytes it reports. Used by `read(2)` without an extra copy.
    @inlinable public mutating func writeWithUnsafeMutableBytes<E: Error>(
        minimumWritable: Int, _ body: (UnsafeMutableRawBufferPointer) throws(E) -> Int
    ) throws(E) -> Int {
        reserveWritable(minimumWritable)
        let start = writerIndex
        let result: Result<Int, E> = storage.withUnsafeMutableBytes { raw in
            do throws(E) { return .success(try body(UnsafeMutableRawBufferPointer(rebasing: raw[start...]))) } catch {
                return .failure(error)
            }
        }
        let written = try result.get()
        precondition(written >= 0 && written <= storage.count - start, "wrote past the reserved space")
        writerIndex += written
        return written
    }

    @inlinable public mutating func writeByte(_ byte: UInt8) {
        reserveWritable(1)
        storage[writerIndex] = byte
        writerIndex &+= 1
    }

    @inlinable public mutating func writeBytes(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        reserveWritable(bytes.count)
        let start = writerIndex
        storage.withUnsafeMutableBytes { raw in
            (raw.baseAddress! + start).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        }
        writerIndex &+= bytes.count
    }

    @inlinable public mutating func writeBytes(_ bytes: some Collection<UInt8>) {
        let done: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            writeBytes(UnsafeRawBufferPointer(buffer))
        }
        if done == nil {
            reserveWritable(bytes.count)
            for byte in bytes {
                storage[writerIndex] = byte
                writerIndex &+= 1
            }
        }
    }

    @inlinable public mutating func writeString(_ string: String) {
        var string = string
        string.withUTF8 { writeBytes(UnsafeRawBufferPointer($0)) }
    }

    /// Writes `value` big-endian (network order).
    @inlinable public mutating func writeInteger<T: FixedWidthInteger>(_ value: T) {
        var bigEndian = value.bigEndian
        withUnsafeBytes(of: &bigEndian) { writeBytes($0) }
    }

    /// Reads a big-endian integer at `offset` from the reader index without consuming it.
    @inlinable public func peekInteger<T: FixedWidthInteger>(at offset: Int, as: T.Type = T.self) -> T? {
        let size = MemoryLayout<T>.size
        guard offset >= 0, offset + size <= readableBytes else { return nil }
        var value: T = 0
        for index in 0..<size {
            value = (value << 8) | T(storage[readerIndex &+ offset &+ index])
        }
        return value
    }
}

extension ByteBuffer: Equatable {
    /// Two buffers are equal when their readable bytes are.
    public static func == (lhs: ByteBuffer, rhs: ByteBuffer) -> Bool {
        lhs.withUnsafeReadableBytes { l in rhs.withUnsafeReadableBytes { r in l.elementsEqual(r) } }
    }
}
