import Digest

/// Test-only JWT minting, so the verifier's edge cases can be built on demand.
/// Deliberately not in Sources: the server verifies tokens, it never issues them.
enum TokenMint {
    static func base64URL(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var group: UInt32 = 0
            for byte in chunk { group = group << 8 | UInt32(byte) }
            group <<= UInt32(8 * (3 - chunk.count))
            for position in 0...chunk.count { output.append(alphabet[Int(group >> UInt32(18 - 6 * position) & 0x3F)]) }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    static func base64URL(_ text: String) -> String { base64URL(Array(text.utf8)) }

    /// `header.payload.signature` with raw JSON texts, signed with `secret` over the first two parts.
    static func mint(header: String = #"{"alg":"HS256","typ":"JWT"}"#, payload: String, secret: String) -> String {
        let input = base64URL(header) + "." + base64URL(payload)
        return input + "." + base64URL(HMAC.sha256(key: Array(secret.utf8), message: Array(input.utf8)))
    }
}
