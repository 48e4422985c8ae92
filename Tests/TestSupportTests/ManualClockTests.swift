import TestSupport
import Testing

@Suite struct ManualClockTests {
    @Test func timeMovesOnlyWhenAdvancedOrSleptThrough() {
        let clock = ManualClock()
        let start = clock.nanoseconds()
        #expect(clock.seconds == 0)
        clock.advance(seconds: 1.5)
        #expect(clock.nanoseconds() - start == 1_500_000_000)
        clock.sleep(0.25)
        clock.sleep(0)
        #expect(clock.seconds == 1.75)
        #expect(clock.sleeps == [0.25, 0])
    }

    @Test func startsWhereItIsTold() {
        #expect(ManualClock(startingAt: 42).nanoseconds() == 42)
    }
}
