import Redis
import Testing

@Suite struct RedisURLTests {
    @Test func defaultsForHostOnly() throws {
        let url = try RedisURL("redis://localhost")
        #expect(url.host == "localhost")
        #expect(url.port == 6379)
        #expect(url.database == 0)
        #expect(url.password == nil)
        #expect(url.username == nil)
        #expect(url.redacted == "redis://localhost:6379/0")
    }

    @Test func portAndDatabase() throws {
        let url = try RedisURL("redis://127.0.0.1:6380/2")
        #expect(url.host == "127.0.0.1")
        #expect(url.port == 6380)
        #expect(url.database == 2)
        #expect(try RedisURL("redis://h/").database == 0)
        #expect(try RedisURL("redis://h:1/15").port == 1)
    }

    @Test func passwordOnlyAndRedaction() throws {
        let url = try RedisURL("redis://:s3cret@cache.internal:7000/1")
        #expect(url.password == "s3cret")
        #expect(url.username == nil)
        #expect(url.redacted == "redis://:***@cache.internal:7000/1")
        #expect(!url.redacted.contains("s3cret"))
    }

    @Test func userPasswordPercentEncodedAndUnencodedAt() throws {
        let url = try RedisURL("redis://app:p%40ss%3Aword@h/3")
        #expect(url.username == "app")
        #expect(url.password == "p@ss:word")
        #expect(url.redacted == "redis://app:***@h:6379/3")
        #expect(try RedisURL("redis://:a@b@h").password == "a@b")
    }

    @Test func ipv6Host() throws {
        let url = try RedisURL("redis://[::1]:7001/4")
        #expect(url.host == "::1")
        #expect(url.port == 7001)
        #expect(url.redacted == "redis://[::1]:7001/4")
        #expect(try RedisURL("redis://[::1]").port == 6379)
    }

    @Test(arguments: [
        "http://localhost",
        "rediss://localhost",
        "localhost:6379",
        "",
        "redis://",
        "redis://:6379",
        "redis://h:",
        "redis://h:0",
        "redis://h:65536",
        "redis://h:123456",
        "redis://h:abc",
        "redis://h:-1",
        "redis://h:+80",
        "redis://h/x",
        "redis://h/-1",
        "redis://h/1x",
        "redis://h/1/2",
        "redis://user@h",
        "redis://:@h",
        "redis://:p%zz@h",
        "redis://:p%4@h",
        "redis://h?db=1",
        "redis://h#x",
        "redis://[::1",
        "redis://[::1]x",
        "redis://h o",
    ])
    func rejects(_ text: String) {
        #expect(throws: RedisError.self) { try RedisURL(text) }
    }

    @Test func rejectionSaysWhyWithoutLeakingThePassword() {
        #expect(throws: RedisError.invalidURL("expected a redis:// URL, got \"rediss://\"")) {
            try RedisURL("rediss://:topsecret@h")
        }
        #expect(throws: RedisError.invalidURL("port must be 1...65535, got \"99999\"")) {
            try RedisURL("redis://h:99999")
        }
        #expect(throws: RedisError.invalidURL("database must be a non-negative integer, got \"x\"")) {
            try RedisURL("redis://h/x")
        }
    }

    @Test func errorDescriptions() {
        #expect(RedisError.server("WRONGTYPE x").description == "Redis error: WRONGTYPE x")
        #expect(RedisError.timeout.description == "Redis read timed out")
        #expect(RedisError.connectionFailed(url: "redis://h:1/0", message: "refused").description.contains("redis://h:1/0"))
    }
}
