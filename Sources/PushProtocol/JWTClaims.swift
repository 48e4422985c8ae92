import JSON

/// The verified claims of a token. Only produced after the signature checked out, so
/// every field here is what the secret's holder signed.
public struct JWTClaims: Sendable, Equatable {
    /// `sub`: the user id; never empty.
    public let subject: String
    /// `exp` in epoch seconds (a fractional NumericDate rounded down), when present.
    public let expiresAt: Int64?
    /// `nbf` in epoch seconds (rounded down), when present.
    public let notBefore: Int64?
    /// The whole payload object, for claims this module does not interpret.
    public let claims: JSONValue

    public init(subject: String, expiresAt: Int64?, notBefore: Int64?, claims: JSONValue) {
        self.subject = subject
        self.expiresAt = expiresAt
        self.notBefore = notBefore
        self.claims = claims
    }
}
