import Redis
import TestSupport
import Testing

@Suite struct RedisSubscriberTests {
    @Test func subscribeReceivesChannelAndPayload() throws {
        let url = try sharedRedisURL()
        let channel = uniquePrefix("channel") + "quotes"
        let subscriber = try RedisSubscriber.connect(url)
        defer { subscriber.close() }
        try subscriber.subscribe([channel, channel + ".other"])
        let publisher = try RedisConnection.connect(url)
        defer { publisher.close() }

        let payload: [UInt8] = [0, 1, 0xFF] + bytes("{\"sym\":\"株\"}")
        #expect(try publisher.command([bytes("PUBLISH"), bytes(channel), payload]) == .integer(1))
        let message = try subscriber.nextMessage(timeoutSeconds: 5)
        #expect(message == RedisMessage(channel: channel, pattern: nil, payload: payload))

        // Several messages published back to back arrive in one read; none is lost.
        for index in 0..<5 { try publisher.command("PUBLISH", channel + ".other", String(index)) }
        for index in 0..<5 {
            let next = try subscriber.nextMessage(timeoutSeconds: 5)
            #expect(next?.channel == channel + ".other")
            #expect(next?.payload == bytes(String(index)))
        }
    }

    @Test func psubscribeReportsThePattern() throws {
        let url = try sharedRedisURL()
        let prefix = uniquePrefix("pattern")
        let subscriber = try RedisSubscriber.connect(url)
        defer { subscriber.close() }
        try subscriber.psubscribe([prefix + "prices.*"])
        let publisher = try RedisConnection.connect(url)
        defer { publisher.close() }

        try publisher.command("PUBLISH", prefix + "prices.AAPL", "189.5")
        let message = try subscriber.nextMessage(timeoutSeconds: 5)
        #expect(message == RedisMessage(channel: prefix + "prices.AAPL", pattern: prefix + "prices.*", payload: bytes("189.5")))
        try publisher.command("PUBLISH", prefix + "news.AAPL", "ignored")
        #expect(try subscriber.nextMessage(timeoutSeconds: 0.2) == nil)
    }

    @Test func quietChannelTimesOutRepeatedlyAndStillReceives() throws {
        let url = try sharedRedisURL()
        let channel = uniquePrefix("quiet") + "c"
        let subscriber = try RedisSubscriber.connect(url, timeoutSeconds: 1)
        defer { subscriber.close() }
        try subscriber.subscribe([channel])
        for _ in 0..<4 {
            let (message, elapsed) = TestEnvironment.timed { try? subscriber.nextMessage(timeoutSeconds: 0.3) }
            #expect(message == nil)
            #expect(elapsed >= 0.25 && elapsed < 1.5, "waited \(elapsed) s")
        }
        // Quiet for longer than the connect/socket timeout too: poll(2) does the waiting.
        #expect(try subscriber.nextMessage(timeoutSeconds: 1.2) == nil)
        #expect(subscriber.isConnected)
        #expect(try subscriber.nextMessage(timeoutSeconds: 0) == nil)

        let publisher = try RedisConnection.connect(url)
        defer { publisher.close() }
        try publisher.command("PUBLISH", channel, "after the quiet")
        #expect(try subscriber.nextMessage(timeoutSeconds: 5)?.payload == bytes("after the quiet"))
    }

    @Test func closedSubscriberThrowsConnectionLost() throws {
        let subscriber = try RedisSubscriber.connect(try sharedRedisURL())
        subscriber.close()
        #expect(throws: RedisError.connectionLost(message: "connection is closed")) {
            try subscriber.nextMessage(timeoutSeconds: 0.1)
        }
    }
}
