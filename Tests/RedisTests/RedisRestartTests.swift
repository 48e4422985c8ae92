import Redis
import Retry
import TestSupport
import Testing

@Suite struct RedisRestartTests {
    @Test func clientAndSubscriberSurviveARestart() throws {
        let server = try PrivateRedisServer()
        let url = try server.redisURL()
        let log = LogRecorder()
        let client = RedisClient(url: url, backoff: Backoff(initial: 0.05, maximum: 0.5)) { log.record($0) }

        #expect(try client.withConnection { try $0.command("SET", "k", "before") } == .status("OK"))
        #expect(client.isHealthy)
        let subscriber = try RedisSubscriber.connect(url)
        defer { subscriber.close() }
        try subscriber.subscribe(["restart"])

        server.kill()

        // The subscriber notices the dead socket instead of hanging or crashing.
        let (outcome, elapsed) = TestEnvironment.timed {
            Result { () throws(RedisError) in try subscriber.nextMessage(timeoutSeconds: 10) }
        }
        #expect(elapsed < 5)
        #expect {
            _ = try outcome.get()
        } throws: { error in
            if case RedisError.connectionLost = error { return true }
            return false
        }
        #expect(!subscriber.isConnected)

        // The command path reports the loss once, and is unhealthy until it reconnects.
        #expect {
            try client.withConnection { try $0.command("GET", "k") }
        } throws: { error in
            if case RedisError.connectionLost = error { return true }
            return false
        }
        #expect(!client.isHealthy)
        // While the server is down, connecting gives up at the deadline.
        let (down, downElapsed) = TestEnvironment.timed {
            Result { try client.withConnection(deadlineSeconds: 0.5) { try $0.command("PING") } }
        }
        #expect(downElapsed < 3)
        #expect {
            _ = try down.get()
        } throws: { error in
            guard case RedisError.connectionFailed(let shown, _) = error else { return false }
            return shown == url.redacted
        }

        try server.restart()
        #expect(try client.withConnection { try $0.command("PING") } == .status("PONG"))
        #expect(try client.withConnection { try $0.command("SET", "k", "after") } == .status("OK"))
        #expect(client.isHealthy)

        let lines = log.all
        #expect(lines.filter { $0.contains("unavailable") || $0.contains("dropped") }.count == 1, "\(lines)")
        #expect(lines.contains { $0.contains("reachable again") })
        #expect(lines.allSatisfy { $0.contains(url.redacted) })

        // A fresh subscriber works against the restarted server.
        let again = try RedisSubscriber.connect(url)
        defer { again.close() }
        try again.subscribe(["restart"])
        try client.withConnection { try $0.command("PUBLISH", "restart", "back") }
        #expect(try again.nextMessage(timeoutSeconds: 5)?.payload == bytes("back"))
        client.close()
    }

    @Test func clientGivesUpAtTheDeadlineAndLogsOnce() throws {
        let server = try ReservedPort()
        defer { withExtendedLifetime(server) {} }
        let url = try RedisURL("redis://:pw@127.0.0.1:\(server.port)/0")
        let log = LogRecorder()
        let client = RedisClient(url: url, backoff: Backoff(initial: 0.05, maximum: 0.1)) { log.record($0) }
        let (result, elapsed) = TestEnvironment.timed { Result { try client.withConnection(deadlineSeconds: 0.6) { _ in 1 } } }
        #expect(elapsed >= 0.3 && elapsed < 3)
        #expect(throws: RedisError.self) { try result.get() }
        #expect(log.all.count == 1)
        #expect(log.all.first?.contains("redis://:***@127.0.0.1") == true)
        #expect(log.all.first?.contains("pw@") == false)
        #expect(!client.isHealthy)
    }
}
