import Redis
import Testing

@Suite struct RedisSentinelsTests {
    @Test func parsesAListInOrderWithTheDefaultPort() throws {
        let set = try RedisSentinels("10.0.0.1:26380, sentinel-b ,[::1]:5000")
        #expect(
            set.addresses == [
                .init(host: "10.0.0.1", port: 26380), .init(host: "sentinel-b", port: 26379), .init(host: "::1", port: 5000),
            ])
        #expect(set.description == "10.0.0.1:26380,sentinel-b:26379,[::1]:5000")
    }

    @Test(arguments: [
        ("", "the list is empty"),
        ("a:1,,b:2", "entry 2 is empty"),
        ("a:1,", "entry 2 is empty"),
        (":26379", "host is missing"),
        ("a:0", "port must be 1...65535"),
        ("a:65536", "port must be 1...65535"),
        ("a:x", "port must be 1...65535"),
        ("a:", "port must be 1...65535"),
        ("redis://a:1", "is a URL"),
        ("a b:1", "not valid"),
        ("[::1", "unterminated IPv6"),
        ("a:1,a:1", "listed twice"),
    ])
    func rejectsWithAReason(text: String, reason: String) {
        #expect {
            try RedisSentinels(text)
        } throws: { error in
            guard case .invalidSentinels(let message) = error as? RedisError else { return false }
            return message.contains(reason)
        }
    }
}

@Suite struct SentinelReplyTests {
    @Test func readsThePrimaryAddress() throws {
        let reply = RedisValue.array([.bulk(Array("127.0.0.1".utf8)), .bulk(Array("6380".utf8))])
        #expect(try SentinelReply.primaryAddress(reply) == .init(host: "127.0.0.1", port: 6380))
    }

    @Test func aNullReplyMeansTheSentinelDoesNotKnowTheMaster() throws {
        #expect(try SentinelReply.primaryAddress(.null) == nil)
    }

    @Test(arguments: [
        RedisValue.array([.bulk(Array("h".utf8))]),
        .array([.bulk(Array("h".utf8)), .bulk(Array("port".utf8))]),
        .array([.bulk(Array("h".utf8)), .bulk(Array("70000".utf8))]),
        .array([.bulk([]), .bulk(Array("1".utf8))]),
        .status("OK"),
        .integer(1),
    ])
    func otherShapesAreUnexpected(reply: RedisValue) {
        #expect(throws: RedisError.self) { try SentinelReply.primaryAddress(reply) }
    }

    @Test func readsTheRole() throws {
        let master = RedisValue.array([.bulk(Array("master".utf8)), .integer(42), .array([])])
        #expect(try SentinelReply.role(master) == "master")
        let replica = RedisValue.array([.bulk(Array("slave".utf8)), .bulk(Array("127.0.0.1".utf8)), .integer(6379)])
        #expect(try SentinelReply.role(replica) == "slave")
        #expect(throws: RedisError.self) { try SentinelReply.role(.array([])) }
        #expect(throws: RedisError.self) { try SentinelReply.role(.null) }
    }
}

@Suite struct RedisEndpointTests {
    @Test func describesItselfWithoutThePassword() throws {
        let settings = try RedisURL("redis://:s3cret@ignored:1/3")
        let endpoint = RedisEndpoint.sentinels(try RedisSentinels("a:1,b:2"), masterName: "prices", settings: settings)
        #expect(endpoint.description == "Sentinel master 'prices' via a:1,b:2 (db 3, password)")
        #expect(RedisEndpoint.url(settings).description == "redis://:***@ignored:1/3")
    }

    @Test func theResolvedPrimaryKeepsTheURLsPasswordAndDatabase() throws {
        let url = try RedisURL("redis://user:pw@ignored:1/3").at(host: "10.1.1.1", port: 7000)
        #expect(url == (try RedisURL("redis://user:pw@10.1.1.1:7000/3")))
        #expect(url.address == "10.1.1.1:7000")
    }

    @Test func noReachableSentinelIsNoPrimaryWithWhatEachSaid() throws {
        let endpoint = RedisEndpoint.sentinels(
            try RedisSentinels("127.0.0.1:1"), masterName: "stockpush", settings: try RedisURL("redis://x"))
        #expect {
            try endpoint.resolvePrimary(timeoutSeconds: 0.5)
        } throws: { error in
            guard case .noPrimary(let master, let tried) = error as? RedisError else { return false }
            return master == "stockpush" && tried.count == 1 && tried[0].hasPrefix("sentinel 127.0.0.1:1: ")
        }
    }
}
