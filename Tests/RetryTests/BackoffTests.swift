import Testing

@testable import Retry

@Suite struct BackoffTests {
    @Test func delaysAreFullJitterUnderAnExponentialCappedCeiling() {
        var backoff = Backoff(initial: 0.1, maximum: 2, multiplier: 2, seed: 7)
        let ceilings = [0.1, 0.2, 0.4, 0.8, 1.6, 2, 2, 2]
        for ceiling in ceilings {
            #expect(backoff.currentCeiling == ceiling)
            let delay = backoff.nextDelay()
            #expect(delay >= 0 && delay <= ceiling, "delay \(delay) outside 0...\(ceiling)")
        }
    }

    @Test func jitterReachesTheLowerHalfOfTheRange() {
        // Full jitter spreads retries over all of 0...ceiling; "equal jitter" would never go below half.
        var backoff = Backoff(initial: 1, maximum: 1, seed: 42)
        let delays = (0..<200).map { _ in backoff.nextDelay() }
        #expect(delays.contains { $0 < 0.25 })
        #expect(delays.contains { $0 > 0.75 })
        #expect(delays.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    @Test func theSameSeedGivesTheSameDelays() {
        var a = Backoff(initial: 1, maximum: 60, seed: 9)
        var b = Backoff(initial: 1, maximum: 60, seed: 9)
        #expect((0..<6).map { _ in a.nextDelay() } == (0..<6).map { _ in b.nextDelay() })
    }

    @Test func resetStartsOver() {
        var backoff = Backoff(initial: 1, maximum: 60)
        for _ in 0..<5 { _ = backoff.nextDelay() }
        #expect(backoff.currentCeiling == 32)
        backoff.reset()
        #expect(backoff.attempt == 0 && backoff.currentCeiling == 1)
        #expect(backoff.nextDelay() <= 1)
    }

    @Test func differentSeedsJitterDifferently() {
        var a = Backoff(initial: 1, maximum: 60, seed: 1)
        var b = Backoff(initial: 1, maximum: 60, seed: 2)
        let first = (0..<5).map { _ in a.nextDelay() }
        let second = (0..<5).map { _ in b.nextDelay() }
        #expect(first != second)
    }
}
