import Foundation
import Redis
import TestSupport
import Testing

@Suite struct RedisConnectionTests {
    @Test func binarySafeRoundTrips() throws {
        let connection = try RedisConnection.connect(try sharedRedisURL())
        defer { connection.close() }
        let prefix = uniquePrefix("binary")
        let everyByte = (0...255).map { UInt8($0) }
        let samples: [[UInt8]] = [everyByte, [0, 0, 1, 0], [], bytes("café 📈 株価 \u{0}end"), everyByte.reversed()]
        for (index, value) in samples.enumerated() {
            // Binary in the key as well as the value.
            let key = bytes(prefix) + [0, 0xFF, UInt8(index)]
            #expect(try connection.command([bytes("SET"), key, value]) == .status("OK"))
            #expect(try connection.command([bytes("GET"), key]) == .bulk(value))
            #expect(try connection.command([bytes("STRLEN"), key]) == .integer(value.count))
        }
        try connection.command("SET", prefix + "text", "価格 €")
        #expect(try connection.command("GET", prefix + "text").string == "価格 €")
    }

    @Test func replyShapes() throws {
        let connection = try RedisConnection.connect(try sharedRedisURL())
        defer { connection.close() }
        let prefix = uniquePrefix("shapes")
        #expect(try connection.command("PING") == .status("PONG"))
        #expect(try connection.command("GET", prefix + "missing") == .null)
        #expect(try connection.command("INCRBY", prefix + "n", "41") == .integer(41))
        #expect(try connection.command("INCR", prefix + "n").int == 42)
        #expect(try connection.command("GET", prefix + "n").int == 42)
        #expect(try connection.command("RPUSH", prefix + "list", "a", "", "c") == .integer(3))
        let list = try connection.command("LRANGE", prefix + "list", "0", "-1")
        #expect(list == .array([.bulk(bytes("a")), .bulk([]), .bulk(bytes("c"))]))
        #expect(list.array?.compactMap(\.string) == ["a", "", "c"])
        #expect(try connection.command("LRANGE", prefix + "none", "0", "-1") == .array([]))
        #expect(try connection.command("DEL", prefix + "n", prefix + "list") == .integer(2))
    }

    @Test func errorReplyThrowsServerWithRedisMessage() throws {
        let connection = try RedisConnection.connect(try sharedRedisURL())
        defer { connection.close() }
        let key = uniquePrefix("wrongtype") + "k"
        try connection.command("SET", key, "x")
        do {
            try connection.command("LPUSH", key, "y")
            Issue.record("LPUSH on a string should fail")
        } catch {
            guard case .server(let message) = error else {
                Issue.record("got \(error)")
                return
            }
            #expect(message.hasPrefix("WRONGTYPE"))
        }
        #expect(throws: RedisError.self) { try connection.command("NOSUCHCOMMAND") }
        // An error reply does not hurt the connection.
        #expect(connection.isConnected)
        #expect(try connection.command("GET", key).string == "x")
    }

    @Test func pipelineOfAThousandRepliesInOrder() throws {
        let connection = try RedisConnection.connect(try sharedRedisURL())
        defer { connection.close() }
        let prefix = uniquePrefix("pipeline")
        let commands = (0..<1_000).map { _ in [bytes("INCR"), bytes(prefix + "counter")] }
        let replies = try connection.pipeline(commands)
        #expect(replies.count == 1_000)
        #expect(replies == (1...1_000).map { RedisValue.integer($0) })

        let mixed = try connection.pipeline([
            [bytes("SET"), bytes(prefix + "s"), bytes("v")],
            [bytes("LPUSH"), bytes(prefix + "s"), bytes("x")],
            [bytes("GET"), bytes(prefix + "s")],
        ])
        #expect(mixed.count == 3)
        #expect(mixed[0] == .status("OK"))
        guard case .error(let message) = mixed[1] else {
            Issue.record("expected an error, got \(mixed[1])")
            return
        }
        #expect(message.hasPrefix("WRONGTYPE"))
        #expect(mixed[2] == .bulk(bytes("v")))
        #expect(try connection.pipeline([]) == [])
    }

    @Test func transactionReturnsExecResults() throws {
        let connection = try RedisConnection.connect(try sharedRedisURL())
        defer { connection.close() }
        let prefix = uniquePrefix("multi")
        let results = try connection.transaction([
            [bytes("SET"), bytes(prefix + "a"), bytes("1")],
            [bytes("INCR"), bytes(prefix + "a")],
            [bytes("LPUSH"), bytes(prefix + "a"), bytes("x")],
        ])
        #expect(results.count == 3)
        #expect(results[0] == .status("OK"))
        #expect(results[1] == .integer(2))
        guard case .error(let message) = results[2] else {
            Issue.record("expected WRONGTYPE, got \(results[2])")
            return
        }
        #expect(message.hasPrefix("WRONGTYPE"))

        // A command Redis refuses to queue aborts everything.
        #expect {
            try connection.transaction([[bytes("SET"), bytes(prefix + "b"), bytes("1")], [bytes("NOSUCHCOMMAND")]])
        } throws: { error in
            guard case RedisError.server(let text) = error else { return false }
            return text.hasPrefix("EXECABORT")
        }
        #expect(try connection.command("EXISTS", prefix + "b") == .integer(0))
        #expect(try connection.command("PING") == .status("PONG"))
    }

    @Test func concurrentReaderNeverSeesHalfATransaction() throws {
        let url = try sharedRedisURL()
        let prefix = uniquePrefix("atomic")
        let hash = prefix + "quote"
        let done = prefix + "done"
        let writer = try RedisConnection.connect(url)
        defer { writer.close() }
        try writer.command("HSET", hash, "bid", "0", "ask", "0")

        let outcome = ReaderOutcome()
        let finished = DispatchSemaphore(value: 0)
        let started = DispatchSemaphore(value: 0)
        let thread = Thread {
            defer { finished.signal() }
            do {
                let reader = try RedisConnection.connect(url)
                started.signal()
                while try reader.command("EXISTS", done) != .integer(1) {
                    let fields = try reader.command("HGETALL", hash).array?.compactMap(\.string) ?? []
                    var map: [String: String] = [:]
                    for pair in stride(from: 0, to: fields.count - 1, by: 2) { map[fields[pair]] = fields[pair + 1] }
                    outcome.reads += 1
                    if map["bid"] != map["ask"] { outcome.torn.append("\(map)") }
                }
            } catch {
                outcome.failure = "\(error)"
                started.signal()
            }
        }
        thread.start()
        started.wait()
        for round in 1...500 {
            let value = bytes(String(round))
            _ = try writer.transaction([
                [bytes("HSET"), bytes(hash), bytes("bid"), value],
                [bytes("INCR"), bytes(prefix + "spacer")],
                [bytes("HSET"), bytes(hash), bytes("ask"), value],
            ])
        }
        try writer.command("SET", done, "1")
        finished.wait()
        #expect(outcome.failure == nil)
        #expect(outcome.reads > 0)
        #expect(outcome.torn.isEmpty, "reader saw half a transaction: \(outcome.torn.prefix(3))")
    }

    @Test func readTimeoutThrowsTimeoutAndClosesTheConnection() throws {
        let connection = try RedisConnection.connect(try sharedRedisURL())
        defer { connection.close() }
        connection.setReadTimeout(seconds: 0.2)
        let (result, elapsed) = TestEnvironment.timed {
            Result { () throws(RedisError) in try connection.command("BLPOP", uniquePrefix("blpop") + "empty", "5") }
        }
        #expect(throws: RedisError.timeout) { try result.get() }
        #expect(elapsed < 2)
        // hiredis 0.14 keeps the EAGAIN error on the context: it is unusable now.
        #expect(!connection.isConnected)
        #expect(throws: RedisError.connectionLost(message: "connection is closed")) { try connection.command("PING") }
    }

    @Test func unreachableServerFailsFastWithRedactedURL() throws {
        // A port reserved by this test and not listening: connections are refused.
        let server = try ReservedPort()
        defer { withExtendedLifetime(server) {} }
        let url = try RedisURL("redis://:hunter2@127.0.0.1:\(server.port)/0")
        let (result, elapsed) = TestEnvironment.timed {
            Result { () throws(RedisError) in try RedisConnection.connect(url, timeoutSeconds: 1) }
        }
        #expect(elapsed < 1.5)
        #expect {
            _ = try result.get()
        } throws: { error in
            guard case RedisError.connectionFailed(let shown, let message) = error else { return false }
            return shown == "redis://:***@127.0.0.1:\(server.port)/0" && !message.isEmpty && !"\(error)".contains("hunter2")
        }
        #expect(throws: RedisError.self) { try RedisSubscriber.connect(url, timeoutSeconds: 1) }
    }
}

/// What the reader thread saw; read only after its semaphore, which orders the accesses.
private final class ReaderOutcome: @unchecked Sendable {
    var reads = 0
    var torn: [String] = []
    var failure: String?
}
