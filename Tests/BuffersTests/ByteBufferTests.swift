import Testing

@testable import Buffers

@Suite struct ByteBufferTests {
    @Test func readsWhatWasWrittenInOrder() {
        var buffer = ByteBuffer()
        buffer.writeBytes([1, 2, 3])
        buffer.writeString("hé")
        buffer.writeInteger(UInt16(0x0102))
        #expect(buffer.readableBytes == 8)
        #expect(buffer.readBytes(3) == [1, 2, 3])
        #expect(buffer.readBytes(3) == Array("hé".utf8))
        #expect(buffer.peekInteger(at: 0, as: UInt16.self) == 0x0102)
        #expect(buffer.peekInteger(at: 1, as: UInt16.self) == nil)
    }

    @Test func compactsInsteadOfGrowingWhenSpaceWasConsumed() {
        var buffer = ByteBuffer(capacity: 64)
        buffer.writeBytes([UInt8](repeating: 7, count: 60))
        buffer.moveReaderIndex(by: 50)
        buffer.writeBytes([UInt8](repeating: 9, count: 40))
        #expect(buffer.capacity == 64)
        #expect(buffer.readableBytesArray == [UInt8](repeating: 7, count: 10) + [UInt8](repeating: 9, count: 40))
    }

    @Test func writeWithUnsafeMutableBytesCommitsExactlyWhatWasWritten() {
        var buffer = ByteBuffer()
        let written = buffer.writeWithUnsafeMutableBytes(minimumWritable: 16) { raw in
            #expect(raw.count >= 16)
            raw[0] = 42
            raw[1] = 43
            return 2
        }
        #expect(written == 2)
        #expect(buffer.readableBytesArray == [42, 43])
    }

    @Test func consumingEverythingResetsIndices() {
        var buffer = ByteBuffer(bytes: [1, 2])
        buffer.moveReaderIndex(by: 2)
        #expect(buffer.isEmpty)
        buffer.writeByte(5)
        #expect(buffer[0] == 5)
    }

    @Test func sharedBytesKeepAStableCopy() {
        var source: [UInt8] = [1, 2, 3]
        let shared = SharedBytes(source)
        source[0] = 9
        #expect(shared.array == [1, 2, 3])
        var buffer = ByteBuffer(bytes: [4, 5, 6])
        buffer.moveReaderIndex(by: 1)
        #expect(SharedBytes(buffer).array == [5, 6])
    }
}
