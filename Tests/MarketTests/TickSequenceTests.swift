import Testing

@testable import Market

@Suite struct TickSequenceTests {
    @Test func nothingAppliesBeforeTheFirstResync() {
        var sequence = TickSequence()
        #expect(sequence.accept(1) == .resync)
    }

    @Test func consecutiveTicksApply() {
        var sequence = TickSequence()
        sequence.resynced(at: 10)
        #expect([11, 12, 13].map { sequence.accept($0) } == [.apply, .apply, .apply])
        #expect(sequence.last == 13)
    }

    @Test func aSkippedNumberCallsForOneResync() {
        var sequence = TickSequence()
        sequence.resynced(at: 10)
        #expect(sequence.accept(11) == .apply)
        #expect(sequence.accept(13) == .resync)
        #expect(sequence.last == 11, "a tick that was not applied does not count")
        sequence.resynced(at: 13)
        #expect(sequence.accept(14) == .apply)
    }

    @Test func ticksPublishedWhileLatestWasReadAreStale() {
        var sequence = TickSequence()
        sequence.resynced(at: 10)
        // Subscribed before the read, so ticks 9 and 10 may still be in the socket.
        #expect([9, 10, 11].map { sequence.accept($0) } == [.stale, .stale, .apply])
    }

    @Test func aCounterThatGoesBackCallsForAResync() {
        var sequence = TickSequence()
        sequence.resynced(at: 10)
        #expect(sequence.accept(11) == .apply)
        // Redis restarted empty (or was flushed): the leader starts again at 1.
        #expect(sequence.accept(1) == .resync)
        #expect(sequence.accept(11) == .resync, "a repeated number is not the next tick either")
    }
}
