import Testing

@testable import WebSocket

@Suite struct SHA1Tests {
    @Test(arguments: [
        ("abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
        ("", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
    ])
    func fipsVectors(input: String, expected: String) {
        #expect(hex(SHA1.hash(Array(input.utf8))) == expected)
    }

    @Test func oneMillionA() {
        let input = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(hex(SHA1.hash(input)) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    }

    /// Lengths around the padding boundary (55 fits one block, 56 needs two), computed with
    /// python3 hashlib over bytes (i * 7 + 3) % 256.
    @Test(arguments: [
        (55, "ddf57317ef34bfee3b6df83d359098930eb278bc"),
        (56, "a0d492bb0fc889d0eca3bc137066ab6f4f74f369"),
        (63, "c55856749bef509bdfe6bfebfc7bf4e793e82132"),
        (64, "bede92be29c3874e1b54ddc77988d606fc857a8e"),
        (65, "b05a80522b053d6dc7e0a517d0e70212c7dad11f"),
    ])
    func paddingBoundaries(length: Int, expected: String) {
        let input = (0..<length).map { UInt8(($0 * 7 + 3) % 256) }
        #expect(hex(SHA1.hash(input)) == expected)
    }

    @Test func digestWritesTwentyBytesAtAnyAlignment() {
        let input = Array("abc".utf8)
        var output = [UInt8](repeating: 0xEE, count: 23)
        output.withUnsafeMutableBytes { buffer in
            input.withUnsafeBytes { SHA1.digest($0, into: UnsafeMutableRawBufferPointer(rebasing: buffer[1...])) }
        }
        #expect(output.first == 0xEE && output.suffix(2) == [0xEE, 0xEE], "nothing outside the 20 bytes")
        #expect(hex(Array(output[1...20])) == "a9993e364706816aba3e25717850c26c9cd0d89d")
    }

    @Test func acceptsAnyCollection() {
        #expect(SHA1.hash("abc".utf8) == SHA1.hash([0x61, 0x62, 0x63]))
        #expect(SHA1.hash([UInt8]()).count == 20)
    }
}
