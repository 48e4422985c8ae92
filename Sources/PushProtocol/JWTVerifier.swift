import Digest
import JSON

/// Verifies HS256 JSON Web Tokens (RFC 7519, JWS compact serialization RFC 7515).
///
/// Order matters for safety: the header is read only to pin the algorithm, then the
/// signature is checked in constant time, and only then is the payload decoded and
/// believed. The algorithm is fixed to HS256 rather than taken from the token, which
/// closes the classic `alg: none` and algorithm-confusion attacks.
public struct JWTVerifier: Sendable {
    /// Tokens longer than this are refused before any work: real ones are a few hundred bytes.
    public static let maxTokenLength = 8192

    let secret: [UInt8]
    let leewaySeconds: Int64

    /// `leewaySeconds` tolerates clock skew between the issuer and this server for `exp` and `nbf`.
    public init(secret: [UInt8], leewaySeconds: Int64 = 0) {
        self.secret = secret
        self.leewaySeconds = max(0, leewaySeconds)
    }

    /// `now` is the current time in epoch seconds.
    public func verify(_ token: String, now: Int64) -> Result<JWTClaims, JWTError> {
        do throws(JWTError) {
            return .success(try claims(of: token, now: now))
        } catch {
            return .failure(error)
        }
    }

    func claims(of token: String, now: Int64) throws(JWTError) -> JWTClaims {
        let utf8 = token.utf8
        guard utf8.count <= Self.maxTokenLength else { throw .malformed("token is too long") }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .malformed("expected three dot-separated parts") }

        try checkHeader(parts[0])

        guard let signature = Base64URL.decode(parts[2].utf8) else { throw .malformed("signature is not base64url") }
        let signingInput = utf8[..<parts[1].endIndex]
        let expected = HMAC.sha256(key: secret, message: signingInput)
        guard HMAC.constantTimeEquals(expected, signature) else { throw .badSignature }

        guard let payloadBytes = Base64URL.decode(parts[1].utf8) else { throw .malformed("payload is not base64url") }
        guard let payload = try? JSONParser.parse(payloadBytes, maxDepth: 32), case .object = payload else {
            throw .malformed("payload is not a JSON object")
        }
        let expiresAt = try numericDate(payload, "exp")
        let notBefore = try numericDate(payload, "nbf")
        let nowSeconds = Double(now)
        if let exp = expiresAt, nowSeconds >= exp + Double(leewaySeconds) { throw .expired }
        if let nbf = notBefore, nowSeconds + Double(leewaySeconds) < nbf { throw .notYetValid }
        guard let subject = payload["sub"]?.stringValue, !subject.isEmpty else { throw .missingSubject }
        return JWTClaims(
            subject: subject,
            expiresAt: expiresAt.map { Int64($0.rounded(.down)) },
            notBefore: notBefore.map { Int64($0.rounded(.down)) },
            claims: payload)
    }

    /// The header must be a JSON object whose `alg` is exactly "HS256". `typ` is
    /// optional and not checked; `crit` names extensions we do not implement, so RFC 7515
    /// section 4.1.11 requires refusing the token.
    func checkHeader(_ part: Substring) throws(JWTError) {
        guard let bytes = Base64URL.decode(part.utf8) else { throw .malformed("header is not base64url") }
        guard let header = try? JSONParser.parse(bytes, maxDepth: 8), case .object = header else {
            throw .malformed("header is not a JSON object")
        }
        guard let alg = header["alg"] else { throw .malformed("header has no \"alg\"") }
        guard let name = alg.stringValue else { throw .malformed("header \"alg\" is not a string") }
        guard name == "HS256" else { throw .unsupportedAlgorithm(name) }
        guard header["crit"] == nil else { throw .malformed("header \"crit\" extensions are not supported") }
    }

    /// A NumericDate claim (seconds, possibly fractional); nil when absent.
    func numericDate(_ payload: JSONValue, _ name: String) throws(JWTError) -> Double? {
        guard let value = payload[name] else { return nil }
        // 2^53 keeps the conversion to Int64 exact and far beyond any real date.
        guard let seconds = value.doubleValue, seconds.magnitude < 9_007_199_254_740_992 else {
            throw .malformed("\"\(name)\" must be a number of seconds")
        }
        return seconds
    }
}
