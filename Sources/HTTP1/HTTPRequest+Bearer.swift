import HTTPGrammar

extension HTTPRequest {
    /// The credential of `Authorization: Bearer <credential>` (scheme matched without
    /// regard to case), without surrounding whitespace; nil without such a header or
    /// with an empty credential.
    public var bearerCredential: Substring? {
        guard let header = headers["authorization"] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let credential = Substring(ASCII.trimmingWhitespace(parts[1].utf8))
        return credential.isEmpty ? nil : credential
    }
}
