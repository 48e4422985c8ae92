import PushCore
import PushProtocol
import Redis
import Retry
import Synchronization
import Telemetry
import TestSupport
import Testing

@testable import StockPush

/// The session store's thread against a real Redis: records written and taken once,
/// only by their user, expiring with the TTL, kept alive while connected, and what a
/// lookup answers when Redis is not there.
@Suite struct SessionStoreTests {
    final class Lookups: Sendable {
        private let received = Mutex<[SessionLookup]>([])
        func add(_ lookup: SessionLookup) { received.withLock { $0.append(lookup) } }
        var all: [SessionLookup] { received.withLock { $0 } }
    }

    let url: RedisURL
    let connection: RedisConnection
    let commands: SessionCommands

    init() throws {
        url = try RedisURL(TestEnvironment.redisURL)
        connection = try RedisConnection.connect(url)
        commands = SessionCommands(prefix: TestEnvironment.uniqueName("sessions"), ttlMilliseconds: 60_000)
    }

    func store(_ commands: SessionCommands? = nil, redis: RedisEndpoint? = nil) throws -> SessionStore {
        let store = try SessionStore(
            redis: redis ?? .url(url), commands: commands ?? self.commands, metrics: PushMetrics(),
            logger: Logger(label: "test", minimumLevel: .error))
        try store.start()
        return store
    }

    func take(_ store: SessionStore, _ token: ResumeToken, user: String = "alice") -> SessionLookup? {
        let lookups = Lookups()
        store.take(token, user: user) { lookups.add($0) }
        _ = TestEnvironment.eventually(within: 5) { !lookups.all.isEmpty }
        return lookups.all.first
    }

    func exists(_ token: ResumeToken, in commands: SessionCommands? = nil) throws -> Bool {
        try connection.command("EXISTS", (commands ?? self.commands).key(token)).int == 1
    }

    static let record = SessionRecord(
        user: "alice", subscriptions: [.init(.stock, "600519"), .init(.market, "HK")], seq: 12, instance: "node-1")

    @Test func aRecordIsWrittenWithItsTTLAndTakenOnceByItsUser() throws {
        defer { connection.close() }
        let store = try store()
        defer { store.stop() }
        let token = ResumeToken.random()
        store.save(token, Self.record, final: false)
        #expect(try TestEnvironment.eventually(within: 5) { try exists(token) })
        let ttl = try connection.command("PTTL", commands.key(token)).int ?? 0
        #expect(ttl > 50_000 && ttl <= 60_000)
        #expect(take(store, token, user: "mallory") == .missing, "another user's token is answered like a missing one")
        #expect(try exists(token), "and the record stays for its owner")
        #expect(take(store, token) == .found(Self.record))
        #expect(try !exists(token), "a token works once")
        #expect(take(store, token) == .missing)
        #expect(take(store, ResumeToken.random()) == .missing)
    }

    @Test func theNewestRecordWinsAndACloseDoesNotBringBackAUsedToken() throws {
        defer { connection.close() }
        let store = try store()
        defer { store.stop() }
        let token = ResumeToken.random()
        var newer = Self.record
        newer.seq = 30
        store.save(token, Self.record, final: false)
        store.save(token, newer, final: true)
        #expect(try TestEnvironment.eventually(within: 5) { try connection.command("GET", commands.key(token)) != .null })
        // Either write may land first alone, but the close's (XX) needs the record: read the result.
        let stored = try connection.command("GET", commands.key(token)).bytes.flatMap { SessionRecord(json: $0) }
        #expect(stored?.seq == 30 || stored?.seq == 12)
        #expect(take(store, token) != .missing)
        store.save(token, newer, final: true)
        ThreadSleep.sleep(0.3)
        #expect(try !exists(token), "the close of a session resumed elsewhere writes nothing")
    }

    @Test func recordsExpireAfterTheTTLAndLiveOnesAreRefreshed() throws {
        defer { connection.close() }
        let short = SessionCommands(prefix: commands.prefix, ttlMilliseconds: 1500)
        let store = try store(short)
        defer { store.stop() }
        let live = ResumeToken.random()
        let left = ResumeToken.random()
        store.save(live, Self.record, final: false)
        store.save(left, Self.record, final: false)
        store.save(left, Self.record, final: true)
        #expect(try TestEnvironment.eventually(within: 5) { try exists(live, in: short) && exists(left, in: short) })
        // Well past the TTL: the closed session is gone, the connected one kept (refreshed every half second).
        #expect(try TestEnvironment.eventually(within: 10) { try !exists(left, in: short) })
        ThreadSleep.sleep(2)
        #expect(try exists(live, in: short))
        #expect(take(store, left) == .missing)
    }

    @Test func withoutRedisALookupIsUnavailableAtOnce() throws {
        defer { connection.close() }
        let port = try ReservedPort()  // nothing listens there
        let store = try store(redis: .url(try RedisURL("redis://127.0.0.1:\(port.port)/0")))
        defer { store.stop() }
        store.save(ResumeToken.random(), Self.record, final: false)
        #expect(take(store, ResumeToken.random()) == .unavailable)
        #expect(take(store, ResumeToken.random()) == .unavailable)
    }
}

@Suite struct ResumeTokenRandomTests {
    @Test func freshTokensDifferAndReadBack() {
        let tokens = (0..<1000).map { _ in ResumeToken.random() }
        #expect(Set(tokens).count == 1000, "128 random bits do not repeat")
        #expect(tokens.allSatisfy { ResumeToken($0.description) == $0 })
        #expect(tokens.contains { $0.high >> 60 != 0 } && tokens.contains { $0.low >> 60 != 0 }, "both words random")
    }
}
