import Retry
import Testing

@Suite struct ThreadSleepTests {
    @Test func sleepsAtLeastTheTimeAsked() {
        let clock = ContinuousClock()
        let start = clock.now
        ThreadSleep.sleep(0.02)
        #expect(clock.now - start >= .milliseconds(20))
    }

    @Test func nothingToWaitForReturnsAtOnce() {
        let clock = ContinuousClock()
        let start = clock.now
        for seconds: Double in [0, -1, -Double.infinity, Double.nan] { ThreadSleep.sleep(seconds) }
        #expect(clock.now - start < .seconds(1))
    }
}
