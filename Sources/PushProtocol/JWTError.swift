/// Why a token was refused. The handshake answers 401 with `message`; the cases let
/// tests and metrics tell forgeries from expired sessions.
public enum JWTError: Error, Equatable, Sendable {
    /// Not three base64url parts, not JSON, a claim of the wrong type...; says which.
    case malformed(String)
    /// The header's `alg` is not exactly `HS256` (for example `none`, `HS512`, `RS256`).
    case unsupportedAlgorithm(String)
    case badSignature
    case expired
    case notYetValid
    /// `sub` is missing, not a string, or empty.
    case missingSubject

    /// Text for the 401 body. It never echoes token contents beyond the algorithm name,
    /// which is short and what an integrator needs to see.
    public var message: String {
        switch self {
        case .malformed(let reason): return "malformed token: \(reason)"
        case .unsupportedAlgorithm(let alg): return "unsupported token algorithm \"\(alg)\"; only HS256 is accepted"
        case .badSignature: return "token signature does not verify"
        case .expired: return "token has expired"
        case .notYetValid: return "token is not valid yet"
        case .missingSubject: return "token has no subject (sub)"
        }
    }
}
