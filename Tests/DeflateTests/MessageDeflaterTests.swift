import CZlib
import Testing

@testable import Deflate

@Suite struct MessageDeflaterTests {
    static let json = Array(
        #"{"type":"price_update","seq":1,"data":[{"code":"600519","price":1688.00},{"code":"600519","price":1688.01}]}"#.utf8)

    func inflate(_ payload: [UInt8], with inflater: MessageInflater, limit: Int = 1 << 20) throws -> [UInt8] {
        var output: [UInt8] = []
        try payload.withUnsafeBytes { try inflater.inflate($0, into: &output, limit: limit) }
        try inflater.finishMessage(into: &output, limit: limit)
        return output
    }

    @Test func compressedMessagesInflateBackOnOneInflater() throws {
        let deflater = MessageDeflater()
        let inflater = MessageInflater(windowBits: 15)
        let messages = [Self.json, Array("x".utf8), [], Array(repeating: UInt8(ascii: "a"), count: 100_000), Self.json]
        for message in messages {
            let compressed = message.withUnsafeBytes { Array(deflater.compress($0)) }
            #expect(try inflate(compressed, with: inflater) == message)
        }
    }

    @Test func anEmptyMessageIsOneZeroByte() {
        // RFC 7692 7.2.3.6: an empty message compresses to a single 0x00.
        let deflater = MessageDeflater()
        withExtendedLifetime(deflater) {
            #expect(Array(deflater.compress(UnsafeRawBufferPointer(start: nil, count: 0))) == [0x00])
        }
    }

    @Test func jsonShrinks() {
        let body = Array(repeating: Self.json, count: 20).flatMap { $0 }
        let deflater = MessageDeflater()
        let compressed = withExtendedLifetime(deflater) { body.withUnsafeBytes { deflater.compress($0).count } }
        #expect(compressed < body.count / 5)
    }

    @Test func storedBlockHeaderAndCompressedBodyAreOneStream() throws {
        // What a price update to a deflate client is: its own head as a stored block, then
        // a body compressed once for everyone. An inflater that keeps its context reads
        // message after message of them.
        let deflater = MessageDeflater()
        let inflater = MessageInflater(windowBits: 9)
        let body = Array(#","count":2,"data":[{"code":"600519"},{"code":"600519"}]}"#.utf8)
        let compressedBody = withExtendedLifetime(deflater) { body.withUnsafeBytes { Array(deflater.compress($0)) } }
        for seq in 1...5 {
            let head = Array(#"{"type":"price_update","seq":\#(seq)"#.utf8)
            var payload = [UInt8](repeating: 0, count: StoredBlock.headerSize)
            payload.withUnsafeMutableBytes { StoredBlock.writeHeader(length: head.count, into: $0, at: 0) }
            payload += head + compressedBody
            #expect(try inflate(payload, with: inflater) == head + body)
        }
    }

    @Test func storedBlockHeaderHoldsLengthAndComplement() {
        var header = [UInt8](repeating: 0xAA, count: 7)
        header.withUnsafeMutableBytes { StoredBlock.writeHeader(length: 0x1234, into: $0, at: 2) }
        #expect(header == [0xAA, 0xAA, 0x00, 0x34, 0x12, 0xCB, 0xED])
    }
}

@Suite struct MessageInflaterTests {
    func inflate(_ payload: [UInt8], with inflater: MessageInflater, limit: Int = 1 << 20) throws(InflateError) -> [UInt8] {
        var output: [UInt8] = []
        let result: Result<Void, InflateError> = payload.withUnsafeBytes { bytes in
            do throws(InflateError) {
                try inflater.inflate(bytes, into: &output, limit: limit)
                try inflater.finishMessage(into: &output, limit: limit)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
        return output
    }

    @Test func contextTakeoverAcrossMessages() throws {
        let client = ContextDeflater()
        let inflater = MessageInflater(windowBits: 15)
        let message = Array(#"{"type":"subscribe","subscription_type":"stock","targets":["600519","0700"]}"#.utf8)
        let first = client.compress(message)
        let second = client.compress(message)
        // The second refers back into the first: much shorter, and only readable in context.
        #expect(second.count < first.count / 2)
        #expect(try inflate(first, with: inflater) == message)
        #expect(try inflate(second, with: inflater) == message)
        #expect(throws: InflateError.self) { try inflate(second, with: MessageInflater(windowBits: 15)) }
    }

    @Test func aFinalBlockEndsTheStreamAndTheNextMessageStartsAnew() throws {
        let inflater = MessageInflater(windowBits: 15)
        let message = Array("hello hello hello".utf8)
        #expect(try inflate(ContextDeflater().compress(message, flush: Z_FINISH), with: inflater) == message)
        #expect(try inflate(ContextDeflater().compress(message), with: inflater) == message)
    }

    @Test func invalidDataIsAnError() {
        // BTYPE=11 is reserved.
        #expect(throws: InflateError.self) { try inflate([0xFF, 0xFF, 0xFF], with: MessageInflater(windowBits: 15)) }
    }

    @Test func aBombStopsAtTheLimit() {
        let zeros = [UInt8](repeating: 0, count: 10 << 20)
        let bomb = ContextDeflater().compress(zeros)
        #expect(bomb.count < 20_000)
        var output: [UInt8] = []
        #expect(throws: InflateError.tooLarge(limit: 65_536)) {
            try bomb.withUnsafeBytes { try MessageInflater(windowBits: 15).inflate($0, into: &output, limit: 65_536) }
        }
        #expect(output.count <= 65_536)
    }
}
