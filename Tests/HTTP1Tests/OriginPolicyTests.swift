import Testing

@testable import HTTP1

@Suite struct WebOriginTests {
    @Test func parsesAndNormalizesOrigins() {
        #expect(WebOrigin("HTTPS://App.Example.com") == WebOrigin(scheme: "https", host: "app.example.com", port: 443))
        #expect(WebOrigin("http://localhost:3000/") == WebOrigin(scheme: "http", host: "localhost", port: 3000))
        #expect(WebOrigin("http://[::1]:8000") == WebOrigin(scheme: "http", host: "[::1]", port: 8000))
        #expect(WebOrigin("https://example.com:443") == WebOrigin("https://example.com"))
        #expect(WebOrigin("https://example.com:443")?.description == "https://example.com")
        #expect(WebOrigin("http://example.com:8080")?.description == "http://example.com:8080")
    }

    @Test(arguments: [
        "null", "example.com", "ftp://example.com", "http://", "http://a b", "http://user@host", "http://host/path",
        "http://host:99999", "http://host:", "http://[::1", "http://[::1]x", "http://host;x", "file:///etc/passwd",
    ])
    func refusesWhatIsNoOrigin(text: String) {
        #expect(WebOrigin(Substring(text)) == nil)
    }

    @Test func splitsHostHeaders() {
        #expect(WebOrigin.authority("example.com").map { "\($0.host)|\($0.port ?? -1)" } == "example.com|-1")
        #expect(WebOrigin.authority("example.com:8000").map { "\($0.host)|\($0.port ?? -1)" } == "example.com|8000")
        #expect(WebOrigin.authority("[::1]:8000").map { "\($0.host)|\($0.port ?? -1)" } == "[::1]|8000")
        #expect(WebOrigin.authority("") == nil)
        #expect(WebOrigin.authority("evil.com; script-src *") == nil)
    }
}

@Suite struct OriginPolicyTests {
    let none = OriginPolicy()

    @Test func noOriginIsNotABrowserAndPasses() {
        #expect(none.evaluate(origin: nil, host: "example.com") == .noOrigin)
        #expect(none.evaluate(origin: nil, host: nil).permits)
    }

    @Test func sameHostAndPortIsSameOriginWhateverTheScheme() {
        #expect(none.evaluate(origin: "http://127.0.0.1:8000", host: "127.0.0.1:8000") == .sameOrigin)
        #expect(none.evaluate(origin: "https://127.0.0.1:8000", host: "127.0.0.1:8000") == .sameOrigin)
        #expect(none.evaluate(origin: "HTTP://LocalHost:8000", host: "localhost:8000") == .sameOrigin)
        // A Host without a port: the origin's default port (a TLS terminator on 443 in front).
        #expect(none.evaluate(origin: "https://example.com", host: "example.com") == .sameOrigin)
        #expect(none.evaluate(origin: "http://example.com", host: "example.com") == .sameOrigin)
        #expect(none.evaluate(origin: "http://[::1]:8000", host: "[::1]:8000") == .sameOrigin)
    }

    @Test func anotherHostOrPortIsRefused() {
        #expect(none.evaluate(origin: "http://evil.example", host: "127.0.0.1:8000") == .refused)
        #expect(none.evaluate(origin: "http://127.0.0.1:9000", host: "127.0.0.1:8000") == .refused)
        #expect(none.evaluate(origin: "http://example.com:8080", host: "example.com") == .refused)
        #expect(none.evaluate(origin: "http://example.com.evil", host: "example.com") == .refused)
        #expect(none.evaluate(origin: "null", host: "example.com") == .refused)
        #expect(none.evaluate(origin: "http://example.com", host: nil) == .refused)
        #expect(none.evaluate(origin: "http://example.com", host: "bad host") == .refused)
    }

    @Test func aKnownSchemeMustMatch() {
        #expect(none.evaluate(origin: "https://example.com", host: "example.com", scheme: "https") == .sameOrigin)
        #expect(none.evaluate(origin: "http://example.com", host: "example.com", scheme: "https") == .refused)
        #expect(none.evaluate(origin: "https://example.com:8443", host: "example.com:8443", scheme: "https") == .sameOrigin)
        // Host without a port behind a proxy that says https: 443, not the origin's port.
        #expect(none.evaluate(origin: "https://example.com:8443", host: "example.com", scheme: "https") == .refused)
    }

    @Test func configuredOriginsAndTheWildcard() throws {
        let policy = try OriginPolicy(parsing: " https://app.example.com , http://localhost:3000/ ")
        #expect(policy.allowed.count == 2 && !policy.allowsAny)
        #expect(policy.evaluate(origin: "https://app.example.com", host: "api.example.com") == .allowed)
        #expect(policy.evaluate(origin: "https://app.example.com:443", host: "api.example.com") == .allowed)
        #expect(policy.evaluate(origin: "http://app.example.com", host: "api.example.com") == .refused)
        #expect(policy.evaluate(origin: "http://localhost:3000", host: "api.example.com") == .allowed)
        #expect(policy.evaluate(origin: "http://localhost:3001", host: "api.example.com") == .refused)
        let any = try OriginPolicy(parsing: "*")
        #expect(any.evaluate(origin: "http://anything.example", host: "api.example.com") == .allowed)
        #expect(any.evaluate(origin: "null", host: "api.example.com") == .allowed)
        #expect(any.evaluate(origin: "http://api.example.com", host: "api.example.com") == .sameOrigin)
        #expect(try OriginPolicy(parsing: "  ") == OriginPolicy())
    }

    @Test func aBadEntryIsNamed() {
        #expect(throws: OriginPolicyError.invalidEntry("app.example.com")) {
            try OriginPolicy(parsing: "https://ok.example, app.example.com")
        }
        #expect(throws: OriginPolicyError.invalidEntry("https://x.example/path")) {
            try OriginPolicy(parsing: "https://x.example/path")
        }
    }

    @Test func verdictsSayWhatTheyPermit() {
        #expect(OriginPolicy.Verdict.refused.permits == false)
        #expect(OriginPolicy.Verdict.noOrigin.permits && !OriginPolicy.Verdict.noOrigin.grantsCORS)
        #expect(OriginPolicy.Verdict.sameOrigin.grantsCORS && OriginPolicy.Verdict.allowed.grantsCORS)
    }
}
