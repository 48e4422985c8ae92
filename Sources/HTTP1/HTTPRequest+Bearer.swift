extension HTTPRequest {
    /// The credential of `Authorization: Bearer <credential>` (scheme matched without
    /// regard to case), as sent; nil without such a header.
    public var bearerCredential: Substring? {
        guard let header = headers["authorization"] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return parts[1]
    }
}
