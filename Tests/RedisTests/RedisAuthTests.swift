import Redis
import TestSupport
import Testing

@Suite struct RedisAuthTests {
    @Test func passwordIsRequiredAndChecked() throws {
        let server = try PrivateRedisServer(password: "secret")

        let right = try RedisConnection.connect(try server.redisURL(password: "secret"))
        defer { right.close() }
        #expect(try right.command("PING") == .status("PONG"))

        #expect {
            try RedisConnection.connect(try server.redisURL(password: "wrong-one"))
        } throws: { error in
            guard case RedisError.connectionFailed(let url, let message) = error else { return false }
            return url == "redis://:***@127.0.0.1:\(server.port)/0" && message.contains("WRONGPASS")
                && !"\(error)".contains("wrong-one")
        }

        let anonymous = try RedisConnection.connect(try server.redisURL())
        defer { anonymous.close() }
        #expect {
            try anonymous.command("PING")
        } throws: { error in
            guard case RedisError.server(let message) = error else { return false }
            return message.hasPrefix("NOAUTH")
        }

        // The subscriber authenticates too.
        let subscriber = try RedisSubscriber.connect(try server.redisURL(password: "secret"))
        defer { subscriber.close() }
        try subscriber.subscribe(["auth.channel"])
        try right.command("PUBLISH", "auth.channel", "ok")
        #expect(try subscriber.nextMessage(timeoutSeconds: 5)?.payload == bytes("ok"))
        #expect(throws: RedisError.self) { try RedisSubscriber.connect(try server.redisURL(password: "nope")) }
    }

    @Test func selectsTheDatabaseFromTheURL() throws {
        let base = try sharedRedisURL()
        let key = uniquePrefix("select") + "k"
        let db3 = try RedisConnection.connect(try RedisURL("redis://\(base.host):\(base.port)/3"))
        defer { db3.close() }
        try db3.command("SET", key, "three")
        let db0 = try RedisConnection.connect(try RedisURL("redis://\(base.host):\(base.port)/0"))
        defer { db0.close() }
        #expect(try db0.command("GET", key) == .null)
        #expect(try db3.command("GET", key).string == "three")
        try db3.command("DEL", key)
        #expect(throws: RedisError.self) { try RedisConnection.connect(try RedisURL("redis://\(base.host):\(base.port)/9999")) }
    }
}
