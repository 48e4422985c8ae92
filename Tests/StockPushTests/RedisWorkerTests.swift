import Reactor
import Redis
import Retry
import Synchronization
import Telemetry
import TestSupport
import Testing

@testable import StockPush

/// The Redis job thread: jobs run in order on a real Redis; with Redis unreachable every
/// job fails promptly as `unavailable` instead of waiting.
@Suite struct RedisWorkerTests {
    static func wait<R: Sendable>(
        _ worker: RedisWorker, _ work: @escaping @Sendable (RedisConnection) throws(RedisError) -> R
    ) -> Result<R, RedisJobError>? {
        let answer = Mutex<Result<R, RedisJobError>?>(nil)
        worker.submit(work) { result in answer.withLock { $0 = result } }
        for _ in 0..<500 {
            if let result = answer.withLock({ $0 }) { return result }
            ThreadSleep.sleep(0.01)
        }
        return nil
    }

    @Test func jobsRunOnItsConnectionInOrder() throws {
        let worker = try RedisWorker(
            endpoint: .url(try RedisURL(TestEnvironment.redisURL)), name: "test-redis",
            logger: Logger(label: "test", minimumLevel: .error))
        try worker.start()
        defer { worker.stop() }
        let key = TestEnvironment.uniqueName("worker")
        _ = Self.wait(worker) { connection throws(RedisError) in try connection.command("RPUSH", key, "a") }
        let result = Self.wait(worker) { connection throws(RedisError) in try connection.command("LRANGE", key, "0", "-1") }
        #expect(try result?.get().array?.compactMap(\.string) == ["a"])
        let failed = Self.wait(worker) { connection throws(RedisError) in try connection.command("NOSUCHCOMMAND") }
        guard case .failure(.failed)? = failed else {
            Issue.record("a server error is a failed job, not an outage: \(String(describing: failed))")
            return
        }
        #expect(worker.isAvailable)
    }

    @Test func anUnreachableRedisFailsJobsPromptly() throws {
        let worker = try RedisWorker(
            endpoint: .url(try RedisURL("redis://127.0.0.1:1/0")), name: "test-redis",
            logger: Logger(label: "test", minimumLevel: .error))
        try worker.start()
        defer { worker.stop() }
        let started = MonotonicClock.now()
        let result = Self.wait(worker) { connection throws(RedisError) in try connection.command("PING") }
        guard case .failure(.unavailable)? = result else {
            Issue.record("expected unavailable, got \(String(describing: result))")
            return
        }
        #expect(MonotonicClock.now() - started < 3_000_000_000, "answered, not left waiting")
    }

    @Test func aStoppedWorkerRefusesAtOnce() throws {
        let worker = try RedisWorker(
            endpoint: .url(try RedisURL(TestEnvironment.redisURL)), name: "test-redis",
            logger: Logger(label: "test", minimumLevel: .error))
        let result = Self.wait(worker) { connection throws(RedisError) in try connection.command("PING") }
        guard case .failure(.stopped)? = result else {
            Issue.record("expected stopped, got \(String(describing: result))")
            return
        }
    }
}
