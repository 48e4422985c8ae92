import Digest
import WebSocket

/// Mints HS256 JSON Web Tokens for `bench --churn --users N --jwt-secret S`, so a churn
/// run can act as N authenticated users against a server with `JWT_SECRET` without an
/// outside tool. Signed with the project's own HMAC, the one the server verifies with.
public struct TokenMinter: Sendable {
    let secret: [UInt8]

    public init(secret: String) {
        self.secret = Array(secret.utf8)
    }

    /// A token for `subject` that expires at `expiresAt` (epoch seconds).
    public func token(subject: String, expiresAt: Int64) -> String {
        let header = Self.base64URL(Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8))
        let payload = Self.base64URL(Array("{\"sub\":\"\(subject)\",\"exp\":\(expiresAt)}".utf8))
        let signingInput = header + "." + payload
        return signingInput + "." + Self.base64URL(HMAC.sha256(key: secret, message: signingInput.utf8))
    }

    /// The user name of user `index` (what the server reports as `user`).
    public static func subject(_ index: Int) -> String { "churn-\(index)" }

    /// One token per user: `churn-0` … `churn-(users-1)`.
    public func tokens(users: Int, expiresAt: Int64) -> [String] {
        (0..<users).map { token(subject: Self.subject($0), expiresAt: expiresAt) }
    }

    /// Base64url without padding (RFC 7515 section 2): standard Base64 with the two
    /// URL-unsafe characters swapped and the `=` dropped.
    static func base64URL(_ bytes: [UInt8]) -> String {
        var text = ""
        for character in Base64.encode(bytes) {
            switch character {
            case "+": text.append("-")
            case "/": text.append("_")
            case "=": continue
            default: text.append(character)
            }
        }
        return text
    }
}
