import Digest
import JSON
import PushProtocol
import Testing

@Suite struct JWTVerifierTests {
    let secret = "stockpush-test-secret-2026"
    var verifier: JWTVerifier { JWTVerifier(secret: Array(secret.utf8)) }
    let now: Int64 = 1_763_720_100

    // Tokens minted by PyJWT 2.x (`jwt.encode(claims, secret, algorithm=...)`) with the
    // secret above unless noted, so the verifier is checked against an independent implementation.
    static let pyValid =  // {"sub":"alice","exp":4102444800,"iat":1763720000,"role":"trader"}
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSIsImV4cCI6NDEwMjQ0NDgwMCwiaWF0IjoxNzYzNzIwMDAwLCJyb2xlIjoidHJhZGVyIn0.gi1PxUgxwMa91kqvhsQ5moy8ZOyTFr7aSHb5b7VHE58"
    static let pyExpired =  // {"sub":"bob","exp":1700000000}
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJib2IiLCJleHAiOjE3MDAwMDAwMDB9.EomlRecP8KkHgeFLNWuXCOR-l1iijlWIp1bTlijJYiU"
    static let pyWrongSecret =  // {"sub":"mallory","exp":4102444800}, signed with "not-the-secret"
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJtYWxsb3J5IiwiZXhwIjo0MTAyNDQ0ODAwfQ.OH7H2Ji-GVHWCy3E8d6HdXLWLjXoDY3cAcT6u5766aw"
    static let pyNotBefore =  // {"sub":"carol","nbf":1800000000,"exp":4102444800}
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJjYXJvbCIsIm5iZiI6MTgwMDAwMDAwMCwiZXhwIjo0MTAyNDQ0ODAwfQ.dQa0qS4t_LbUKLF6HxhhNIW3H-Yd2wMsrNekDUt2Tzo"
    static let pyNoSubject =  // {"exp":4102444800}
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjQxMDI0NDQ4MDB9.WLSVs9UpRYtq8lRArfBxK5QCUGIcGtR5BHQQWMxZpbU"
    static let pyHS512 =  // {"sub":"alice"}, algorithm HS512
        "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSJ9.9f4X0DsCz7HDMmM50qaWxQsbDLbmRzcPKDMqMOcuTLFroxPRdFCd5QMeb7uSg22EqRB9E_FVciWBkMNV-EIsuQ"
    static let pyNone =  // {"sub":"alice"}, algorithm none
        "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJhbGljZSJ9."
    static let pyUnicode =  // {"sub":"用户42","exp":4102444800.5}, header with "kid":"k1"
        "eyJhbGciOiJIUzI1NiIsImtpZCI6ImsxIiwidHlwIjoiSldUIn0.eyJzdWIiOiJcdTc1MjhcdTYyMzc0MiIsImV4cCI6NDEwMjQ0NDgwMC41fQ.50VbOENtnrC0CpAedmt4hkTb6PIWjwX6NyIyMzGqJdc"

    @Test func pyJWTValidToken() throws {
        let claims = try verifier.verify(Self.pyValid, now: now).get()
        #expect(claims.subject == "alice")
        #expect(claims.expiresAt == 4_102_444_800)
        #expect(claims.notBefore == nil)
        #expect(claims.claims["role"] == .string("trader"))
        #expect(claims.claims["iat"] == .number(1_763_720_000))
    }

    @Test func pyJWTRefusals() {
        #expect(verifier.verify(Self.pyExpired, now: now) == .failure(.expired))
        #expect(verifier.verify(Self.pyWrongSecret, now: now) == .failure(.badSignature))
        #expect(verifier.verify(Self.pyNotBefore, now: now) == .failure(.notYetValid))
        #expect(verifier.verify(Self.pyNoSubject, now: now) == .failure(.missingSubject))
        #expect(verifier.verify(Self.pyHS512, now: now) == .failure(.unsupportedAlgorithm("HS512")))
        #expect(verifier.verify(Self.pyNone, now: now) == .failure(.unsupportedAlgorithm("none")))
    }

    @Test func pyJWTNotBeforeBecomesValid() {
        #expect(verifier.verify(Self.pyNotBefore, now: 1_800_000_000).map(\.subject) == .success("carol"))
        #expect(verifier.verify(Self.pyNotBefore, now: 1_799_999_999) == .failure(.notYetValid))
    }

    @Test func pyJWTUnicodeSubjectAndFractionalExpiry() {
        let result = verifier.verify(Self.pyUnicode, now: now)
        #expect(result.map(\.subject) == .success("用户42"))
        #expect(result.map(\.expiresAt) == .success(4_102_444_800))
        // 4102444800.5 is still valid at 4102444800 and expired one second later.
        #expect(verifier.verify(Self.pyUnicode, now: 4_102_444_800).map(\.subject) == .success("用户42"))
        #expect(verifier.verify(Self.pyUnicode, now: 4_102_444_801) == .failure(.expired))
    }

    @Test func expiryIsExclusiveAndLeewayApplies() {
        let token = TokenMint.mint(payload: #"{"sub":"a","exp":1000,"nbf":900}"#, secret: secret)
        #expect(verifier.verify(token, now: 999).map(\.subject) == .success("a"))
        #expect(verifier.verify(token, now: 1000) == .failure(.expired))
        #expect(verifier.verify(token, now: 899) == .failure(.notYetValid))
        let lenient = JWTVerifier(secret: Array(secret.utf8), leewaySeconds: 30)
        #expect(lenient.verify(token, now: 1029).map(\.subject) == .success("a"))
        #expect(lenient.verify(token, now: 1030) == .failure(.expired))
        #expect(lenient.verify(token, now: 870).map(\.subject) == .success("a"))
        #expect(lenient.verify(token, now: 869) == .failure(.notYetValid))
    }

    @Test func signatureIsCheckedBeforeClaims() {
        // A forged token with garbage claims must report the forgery, not the claims.
        let forged = TokenMint.mint(payload: #"{"exp":"soon"}"#, secret: "other")
        #expect(verifier.verify(forged, now: now) == .failure(.badSignature))
        let forgedPayload = TokenMint.base64URL(#"{"alg":"HS256"}"#) + "." + "%%%" + "." + TokenMint.base64URL([1, 2, 3])
        #expect(verifier.verify(forgedPayload, now: now) == .failure(.badSignature))
        // Tampering with a valid token's payload breaks the signature.
        let parts = Self.pyValid.split(separator: ".")
        let tampered = parts[0] + "." + TokenMint.base64URL(#"{"sub":"root","exp":4102444800}"#) + "." + parts[2]
        #expect(verifier.verify(String(tampered), now: now) == .failure(.badSignature))
    }

    @Test(arguments: [
        (#"{"typ":"JWT"}"#, JWTError.malformed(#"header has no "alg""#)),
        (#"{"alg":256}"#, JWTError.malformed(#"header "alg" is not a string"#)),
        (#"{"alg":"RS256"}"#, JWTError.unsupportedAlgorithm("RS256")),
        (#"{"alg":"hs256"}"#, JWTError.unsupportedAlgorithm("hs256")),
        (#"{"alg":"HS256 "}"#, JWTError.unsupportedAlgorithm("HS256 ")),
        (#"{"alg":"HS256","crit":["exp"]}"#, JWTError.malformed(#"header "crit" extensions are not supported"#)),
        (#"["HS256"]"#, JWTError.malformed("header is not a JSON object")),
        (#"{"alg":"HS256""#, JWTError.malformed("header is not a JSON object")),
    ])
    func headerChecks(_ header: String, _ expected: JWTError) {
        let token = TokenMint.mint(header: header, payload: #"{"sub":"a"}"#, secret: secret)
        #expect(verifier.verify(token, now: now) == .failure(expected))
    }

    @Test func headerWithoutTypIsFine() {
        let token = TokenMint.mint(header: #"{"alg":"HS256"}"#, payload: #"{"sub":"a"}"#, secret: secret)
        #expect(verifier.verify(token, now: now).map(\.subject) == .success("a"))
    }

    @Test(arguments: [
        (#"{"sub":"a","exp":"4102444800"}"#, JWTError.malformed(#""exp" must be a number of seconds"#)),
        (#"{"sub":"a","nbf":true}"#, JWTError.malformed(#""nbf" must be a number of seconds"#)),
        (#"{"sub":"a","exp":1e300}"#, JWTError.malformed(#""exp" must be a number of seconds"#)),
        (#"{"sub":""}"#, JWTError.missingSubject),
        (#"{"sub":42}"#, JWTError.missingSubject),
        (#"{"sub":null}"#, JWTError.missingSubject),
        (#"{}"#, JWTError.missingSubject),
        (#"[1]"#, JWTError.malformed("payload is not a JSON object")),
        (#"not json"#, JWTError.malformed("payload is not a JSON object")),
    ])
    func payloadChecks(_ payload: String, _ expected: JWTError) {
        #expect(verifier.verify(TokenMint.mint(payload: payload, secret: secret), now: now) == .failure(expected))
    }

    @Test func structuralProblems() {
        let valid = Self.pyValid
        let parts = valid.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let malformedCases: [(String, String)] = [
            ("", "expected three dot-separated parts"),
            ("abc", "expected three dot-separated parts"),
            (parts[0] + "." + parts[1], "expected three dot-separated parts"),
            (valid + ".", "expected three dot-separated parts"),
            (parts[0] + "=." + parts[1] + "." + parts[2], "header is not base64url"),
            (parts[0] + "." + parts[1] + "." + parts[2] + "=", "signature is not base64url"),
            (parts[0] + "." + parts[1] + "." + "+" + parts[2].dropFirst(), "signature is not base64url"),
            (parts[0] + "." + parts[1] + "." + "/" + parts[2].dropFirst(), "signature is not base64url"),
            (parts[0] + "." + parts[1] + "." + parts[2] + "AB", "signature is not base64url"),
            (" " + valid, "header is not base64url"),
            (String(repeating: "a", count: 9000), "token is too long"),
        ]
        for (token, reason) in malformedCases {
            #expect(verifier.verify(token, now: now) == .failure(.malformed(reason)), "\(token.prefix(60))")
        }
        // An empty signature or one of the wrong length is simply a bad signature.
        #expect(verifier.verify(parts[0] + "." + parts[1] + ".", now: now) == .failure(.badSignature))
        #expect(verifier.verify(parts[0] + "." + parts[1] + "." + TokenMint.base64URL([0]), now: now) == .failure(.badSignature))
        #expect(verifier.verify(valid + "A", now: now) == .failure(.badSignature))  // 33 bytes
        // A payload that is not base64url is reported as such only under a valid signature.
        #expect(verifier.verify(parts[0] + "." + parts[1] + " ." + parts[2], now: now) == .failure(.badSignature))
        let input = parts[0] + ".%%%"
        let signed = input + "." + TokenMint.base64URL(HMAC.sha256(key: Array(secret.utf8), message: Array(input.utf8)))
        #expect(verifier.verify(signed, now: now) == .failure(.malformed("payload is not base64url")))
    }

    @Test func nonCanonicalBase64IsRefused() {
        // The last character of a 43-character signature carries 4 significant bits;
        // flipping an unused low bit decodes to the same bytes in a lax decoder.
        let parts = Self.pyValid.split(separator: ".").map(String.init)
        var signature = Array(parts[2].utf8)
        let last = signature[signature.count - 1]  // "8" (60): low 2 bits are zero
        signature[signature.count - 1] = last + 1
        let token = parts[0] + "." + parts[1] + "." + String(decoding: signature, as: UTF8.self)
        #expect(verifier.verify(token, now: now) == .failure(.malformed("signature is not base64url")))
    }

    @Test func mintedTokensRoundTrip() {
        for length in 0..<8 {
            let sub = String(repeating: "u", count: length + 1)
            let token = TokenMint.mint(payload: #"{"sub":"\#(sub)","exp":\#(now + 60)}"#, secret: secret)
            #expect(verifier.verify(token, now: now).map(\.subject) == .success(sub))
        }
        let longSecret = String(repeating: "k", count: 100)  // longer than a SHA-256 block: hashed first
        let token = TokenMint.mint(payload: #"{"sub":"a"}"#, secret: longSecret)
        #expect(JWTVerifier(secret: Array(longSecret.utf8)).verify(token, now: now).map(\.subject) == .success("a"))
    }

    @Test func messagesAreReadable() {
        #expect(JWTError.expired.message == "token has expired")
        #expect(JWTError.unsupportedAlgorithm("none").message.contains("only HS256"))
        #expect(JWTError.malformed("x").message == "malformed token: x")
    }
}
