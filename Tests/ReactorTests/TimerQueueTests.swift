import Testing

@testable import Reactor

@Suite struct TimerQueueTests {
    @Test func popsDueTimersEarliestFirst() {
        var queue = TimerQueue()
        var order: [Int] = []
        for (index, deadline) in [50, 10, 40, 20, 30].enumerated() {
            _ = queue.schedule(at: UInt64(deadline)) { order.append(index) }
        }
        #expect(queue.nextDeadline() == 10)
        for callback in queue.popExpired(now: 35) { callback() }
        #expect(order == [1, 3, 4])
        #expect(queue.nextDeadline() == 40)
    }

    @Test func cancelledTimersNeverFireAndDoNotHoldTheDeadline() {
        var queue = TimerQueue()
        var fired = false
        let early = queue.schedule(at: 5) { fired = true }
        _ = queue.schedule(at: 100) {}
        queue.cancel(early)
        #expect(queue.nextDeadline() == 100)
        for callback in queue.popExpired(now: 50) { callback() }
        #expect(!fired)
    }
}
