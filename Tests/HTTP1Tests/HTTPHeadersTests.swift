import Testing

@testable import HTTP1

@Suite struct HTTPHeadersTests {
    @Test func lookupIgnoresNameCaseAndReturnsFirstValue() {
        let headers = HTTPHeaders([("Set-Cookie", "a=1"), ("Content-Type", "text/plain"), ("set-cookie", "b=2")])
        #expect(headers["content-type"] == "text/plain")
        #expect(headers["SET-COOKIE"] == "a=1")
        #expect(headers["missing"] == nil)
        #expect(headers.values("Set-Cookie") == ["a=1", "b=2"])
        #expect(headers.values("missing").isEmpty)
        #expect(headers.count == 3)
    }

    @Test func keepsOrderAndOriginalCase() {
        var headers = HTTPHeaders()
        headers.add(name: "X-B", value: "2")
        headers.add(name: "x-a", value: "1")
        #expect(headers.pairs.map(\.name) == ["X-B", "x-a"])
        #expect(headers.map { "\($0.name)=\($0.value)" } == ["X-B=2", "x-a=1"])
    }

    @Test func containsTokenSplitsCommaListsCaseInsensitively() {
        let headers = HTTPHeaders([("Connection", "keep-alive, Upgrade"), ("Upgrade", " WebSocket "), ("Connection", "x")])
        #expect(headers.containsToken("upgrade", in: "connection"))
        #expect(headers.containsToken("KEEP-ALIVE", in: "Connection"))
        #expect(headers.containsToken("x", in: "Connection"))
        #expect(headers.containsToken("websocket", in: "Upgrade"))
        #expect(!headers.containsToken("close", in: "Connection"))
        #expect(!headers.containsToken("keep", in: "Connection"))
        #expect(!headers.containsToken("upgrade", in: "Missing"))
    }

    @Test func replaceAndRemove() {
        var headers: HTTPHeaders = ["A": "1", "a": "2", "B": "3"]
        headers.replaceOrAdd(name: "a", value: "9")
        #expect(headers.values("A") == ["9"])
        #expect(headers.pairs.map(\.name) == ["B", "a"])
        headers.remove(name: "b")
        #expect(!headers.contains(name: "B"))
        #expect(headers.count == 1)
    }

    @Test func equalityComparesPairsInOrder() {
        #expect(HTTPHeaders([("A", "1"), ("B", "2")]) == HTTPHeaders([("A", "1"), ("B", "2")]))
        #expect(HTTPHeaders([("A", "1"), ("B", "2")]) != HTTPHeaders([("B", "2"), ("A", "1")]))
    }
}

@Suite struct BearerCredentialTests {
    @Test func readsTheCredentialOfABearerAuthorization() {
        func request(_ value: String?) -> HTTPRequest {
            var headers = HTTPHeaders()
            if let value { headers.add(name: "Authorization", value: value) }
            return HTTPRequest(method: .get, target: "/", path: "/", headers: headers)
        }
        #expect(request("Bearer abc.def").bearerCredential == "abc.def")
        #expect(request("bearer abc").bearerCredential == "abc")
        #expect(request("Basic dXNlcjpwYXNz").bearerCredential == nil)
        #expect(request("Bearer").bearerCredential == nil)
        #expect(request("Bearer   abc \t").bearerCredential == "abc", "whitespace around the credential is not part of it")
        #expect(request("Bearer    ").bearerCredential == nil)
        #expect(request(nil).bearerCredential == nil)
    }
}
