import HTTP1
import Testing

@testable import StockPush

@Suite struct PageSecurityTests {
    @Test func thePolicyAllowsOnlyThisServer() {
        let policy = PageSecurity.contentSecurityPolicy(host: "prices.example.com:8443")
        for directive in [
            "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
            "connect-src 'self' ws://prices.example.com:8443 wss://prices.example.com:8443", "base-uri 'none'",
            "form-action 'self'", "frame-ancestors 'none'", "object-src 'none'",
        ] {
            #expect(policy.contains(directive), "\(directive)")
        }
        #expect(!policy.contains("unsafe-inline") && !policy.contains("*"))
    }

    @Test func aHostThatIsNoHostStaysOutOfThePolicy() {
        for host in [nil, "evil; script-src *", "a b", ""] {
            let policy = PageSecurity.contentSecurityPolicy(host: host)
            #expect(policy.contains("connect-src 'self'; "), "\(host ?? "nil")")
            #expect(!policy.contains("evil"))
        }
    }

    @Test func pageHeaders() {
        var headers = HTTPHeaders()
        PageSecurity.addPageHeaders(to: &headers, host: "localhost:8000")
        #expect(headers["Content-Security-Policy"]?.hasPrefix("default-src 'self'") == true)
        #expect(headers["Referrer-Policy"] == "no-referrer")
        #expect(headers["X-Frame-Options"] == "DENY")
    }
}
