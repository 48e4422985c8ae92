import Retry
import TestSupport
import Testing

@Suite struct ReconnectorTests {
    struct Refused: Error, Equatable { let attempt: Int }

    /// A reconnector on a manual clock: its sleeps advance time instead of waiting.
    func makeReconnector(_ clock: ManualClock, _ log: LogRecorder, seed: UInt64 = 1) -> Reconnector {
        Reconnector(
            backoff: Backoff(initial: 0.1, maximum: 1, seed: seed), log: log.record, sleep: clock.sleep, now: { clock.seconds })
    }

    @Test func retriesUntilTheServerAnswersAndLogsTheOutageOnce() throws {
        let clock = ManualClock()
        let log = LogRecorder()
        var reconnector = makeReconnector(clock, log)
        var attempts = 0
        let value = try reconnector.connect(
            deadlineSeconds: 60, unavailable: { "down: \($0)" }, recovered: "back"
        ) { _ throws(Refused) in
            attempts += 1
            if attempts < 5 { throw Refused(attempt: attempts) }
            return "connection"
        }
        #expect(value == "connection")
        #expect(attempts == 5)
        #expect(log.all == ["down: Refused(attempt: 1)", "back"])
        #expect(!reconnector.inOutage)
        // Four waits, each in 0...ceiling of its attempt, and the backoff starts over after the success.
        let ceilings = [0.1, 0.2, 0.4, 0.8]
        #expect(clock.sleeps.count == 4)
        for (delay, ceiling) in zip(clock.sleeps, ceilings) { #expect(delay >= 0 && delay <= ceiling) }
        #expect(reconnector.backoff.attempt == 0)
    }

    @Test func waitsTheBackoffsDelaysInOrder() throws {
        let clock = ManualClock()
        var reconnector = makeReconnector(clock, LogRecorder(), seed: 3)
        var attempts = 0
        _ = try reconnector.connect(deadlineSeconds: 60, unavailable: { "\($0)" }, recovered: "") { _ throws(Refused) in
            attempts += 1
            if attempts < 4 { throw Refused(attempt: attempts) }
        }
        var expected = Backoff(initial: 0.1, maximum: 1, seed: 3)
        #expect(clock.sleeps == (0..<3).map { _ in expected.nextDelay() })
    }

    @Test func givesUpWithTheLastErrorRatherThanSleepPastTheDeadline() {
        let clock = ManualClock()
        let log = LogRecorder()
        var reconnector = makeReconnector(clock, log)
        var attempts = 0
        #expect(throws: Refused.self) {
            try reconnector.connect(deadlineSeconds: 2, unavailable: { "down: \($0)" }, recovered: "back") {
                _ throws(Refused) -> Int in
                attempts += 1
                throw Refused(attempt: attempts)
            }
        }
        #expect(clock.seconds < 2, "slept past the deadline: \(clock.sleeps)")
        #expect(attempts == clock.sleeps.count + 1)
        #expect(attempts > 2)
        #expect(log.all == ["down: Refused(attempt: 1)"])
        #expect(reconnector.inOutage)
    }

    @Test func eachAttemptIsToldTheTimeLeft() throws {
        let clock = ManualClock()
        var reconnector = makeReconnector(clock, LogRecorder())
        var remaining: [Double] = []
        _ = try? reconnector.connect(deadlineSeconds: 3, unavailable: { "\($0)" }, recovered: "") {
            left throws(Refused) in
            remaining.append(left)
            throw Refused(attempt: remaining.count)
        }
        #expect(remaining.first == 3)
        #expect(zip(remaining, remaining.dropFirst()).allSatisfy { $0 >= $1 })
        #expect(remaining.allSatisfy { $0 > 0 })
    }

    @Test func aLostConnectionIsLoggedOnceAndItsRecoveryOnce() throws {
        let clock = ManualClock()
        let log = LogRecorder()
        var reconnector = makeReconnector(clock, log)
        reconnector.connectionLost("lost: reset by peer")
        reconnector.connectionLost("lost: again")
        #expect(reconnector.inOutage)
        var attempts = 0
        try reconnector.connect(deadlineSeconds: 60, unavailable: { "down: \($0)" }, recovered: "back") { _ throws(Refused) in
            attempts += 1
            if attempts < 3 { throw Refused(attempt: attempts) }
        }
        #expect(log.all == ["lost: reset by peer", "back"])
    }

    @Test func aHealthyConnectNeitherLogsNorSleeps() throws {
        let clock = ManualClock()
        let log = LogRecorder()
        var reconnector = makeReconnector(clock, log)
        try reconnector.connect(deadlineSeconds: 0, unavailable: { "down: \($0)" }, recovered: "back") { _ throws(Refused) in }
        #expect(log.all.isEmpty && clock.sleeps.isEmpty)
    }
}

@Suite struct ReconnectorSessionTests {
    struct Lost: Error {}

    @Test func aSessionRunsAgainAfterEachFailureWithTheOutageLoggedOnceEachWay() {
        let clock = ManualClock()
        let log = LogRecorder()
        var reconnector = Reconnector(
            backoff: Backoff(initial: 0.1, maximum: 1, seed: 1), log: log.record, sleep: clock.sleep, now: { clock.seconds })
        // Refused three times, then up for a while, then lost once more, then up until stopped.
        var script = ["refused", "refused", "refused", "up then lost", "refused", "up until stopped"]
        var failures = 0
        var stopped = false
        reconnector.keepRunning(
            until: { stopped }, unavailable: { _ in "down" }, recovered: "back", failed: { _ in failures += 1 }
        ) { up in
            let step = script.removeFirst()
            if step == "refused" { throw Lost() }
            up()
            if step == "up then lost" { throw Lost() }
            stopped = true
        }
        #expect(script.isEmpty)
        #expect(failures == 5)
        #expect(log.all == ["down", "back", "down", "back"])
        #expect(clock.sleeps.count == 5)
        // Three growing waits, then the backoff started over when the session came up.
        for (delay, ceiling) in zip(clock.sleeps, [0.1, 0.2, 0.4, 0.1, 0.2]) { #expect(delay >= 0 && delay <= ceiling) }
        #expect(!reconnector.inOutage)
    }

    @Test func aFailureWhileStoppingEndsTheLoopWithoutALogOrAWait() {
        let clock = ManualClock()
        let log = LogRecorder()
        var reconnector = Reconnector(
            backoff: Backoff(initial: 0.1, maximum: 1, seed: 1), log: log.record, sleep: clock.sleep, now: { clock.seconds })
        var stopping = false
        var runs = 0
        reconnector.keepRunning(until: { stopping }, unavailable: { _ in "down" }, recovered: "back") { up in
            runs += 1
            up()
            stopping = true
            throw Lost()
        }
        #expect(runs == 1)
        #expect(log.all.isEmpty)
        #expect(clock.sleeps.isEmpty)
    }
}
