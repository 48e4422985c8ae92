import Testing

@testable import Retry

@Suite struct BackoffTests {
    @Test func delaysGrowExponentiallyWithinJitterAndCap() {
        var backoff = Backoff(initial: 0.1, maximum: 2, multiplier: 2)
        let ceilings = [0.1, 0.2, 0.4, 0.8, 1.6, 2, 2, 2]
        for ceiling in ceilings {
            let delay = backoff.nextDelay()
            #expect(delay >= ceiling / 2 && delay <= ceiling, "delay \(delay) outside [\(ceiling / 2), \(ceiling)]")
        }
    }

    @Test func resetStartsOver() {
        var backoff = Backoff(initial: 1, maximum: 60)
        for _ in 0..<5 { _ = backoff.nextDelay() }
        backoff.reset()
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
