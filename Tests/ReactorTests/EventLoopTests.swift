import Glibc
import Synchronization
import TestSupport
import Testing

@testable import Reactor

@Suite struct EventLoopTests {
    @Test func reportsReadabilityOfASocket() throws {
        let loop = try EventLoop()
        let pair = SocketPair()
        defer { pair.close() }
        let handler = RecordingHandler()
        let registration = try loop.register(pair.left, events: .readable, handler: handler)
        loop.runOnce(maximumWaitMilliseconds: 0)
        #expect(handler.events.isEmpty)
        writeAll(pair.right, [1, 2, 3])
        loop.runOnce(maximumWaitMilliseconds: 1000)
        #expect(handler.events.count == 1)
        #expect(handler.events.first?.contains(.readable) == true)
        loop.deregister(registration)
    }

    /// One pass hears every ready descriptor, not one epoll batch (256) of them: a pass
    /// whose flush is long must not leave new clients' requests for later passes.
    @Test func onePassDispatchesMoreThanOneBatchOfReadyDescriptors() throws {
        let loop = try EventLoop()
        let pairs = (0..<300).map { _ in SocketPair() }
        defer { pairs.forEach { $0.close() } }
        let handlers = pairs.map { _ in RecordingHandler() }
        for (pair, handler) in zip(pairs, handlers) {
            _ = try loop.register(pair.left, events: .readable, handler: handler)
            writeAll(pair.right, [1])
        }
        loop.runOnce(maximumWaitMilliseconds: 0)
        #expect(handlers.count { !$0.events.isEmpty } == 300)
    }

    @Test func staleEventsDoNotReachTheNextOwnerOfASlot() throws {
        let loop = try EventLoop()
        let first = SocketPair()
        let second = SocketPair()
        defer {
            first.close()
            second.close()
        }
        let a = RecordingHandler()
        let b = RecordingHandler()
        let registrationA = try loop.register(first.left, events: .readable, handler: a)
        writeAll(first.right, [1])
        writeAll(second.right, [2])
        // A deregisters B's fd... rather: A's handler drops itself and a new handler takes the slot
        // during the same batch; events for the old registration must not reach it.
        var registrationB: Registration?
        a.onEvent = { _ in
            loop.deregister(registrationA)
            registrationB = try? loop.register(second.left, events: .readable, handler: b)
        }
        loop.runOnce(maximumWaitMilliseconds: 1000)
        #expect(a.events.count == 1)
        #expect(registrationB != nil)
        #expect(registrationB?.slot == registrationA.slot)
        #expect(registrationB?.generation != registrationA.generation)
        loop.runOnce(maximumWaitMilliseconds: 1000)
        #expect(b.events.count == 1)
        #expect(a.events.count == 1)
    }

    @Test func timersFireInDeadlineOrderAndCancelledOnesDoNot() throws {
        let clock = ManualClock()
        let loop = try EventLoop(clock: clock)
        var fired: [Int] = []
        loop.schedule(afterNanoseconds: 30_000_000) { fired.append(3) }
        loop.schedule(afterNanoseconds: 10_000_000) { fired.append(1) }
        let cancelled = loop.schedule(afterNanoseconds: 20_000_000) { fired.append(2) }
        loop.cancel(cancelled)
        loop.runOnce(maximumWaitMilliseconds: 0)
        #expect(fired.isEmpty)
        clock.advance(seconds: 0.009)
        loop.runOnce(maximumWaitMilliseconds: 0)
        #expect(fired.isEmpty, "a timer fired before its delay")
        clock.advance(seconds: 0.001)
        loop.runOnce(maximumWaitMilliseconds: 0)
        #expect(fired == [1])
        clock.advance(seconds: 0.05)
        loop.runOnce(maximumWaitMilliseconds: 0)
        #expect(fired == [1, 3])
    }

    /// Handlers see the time at which the loop woke, not the time it went to sleep.
    @Test func nowIsRefreshedBeforeEventsAreDispatched() throws {
        let clock = ManualClock()
        let loop = try EventLoop(clock: clock)
        let pair = SocketPair()
        defer { pair.close() }
        let handler = RecordingHandler()
        var seen: UInt64 = 0
        handler.onEvent = { _ in
            seen = loop.now
            _ = readAvailable(pair.left)
        }
        let registration = try loop.register(pair.left, events: .readable, handler: handler)
        loop.runOnce(maximumWaitMilliseconds: 0)
        clock.advance(seconds: 5)
        writeAll(pair.right, [1])
        loop.runOnce(maximumWaitMilliseconds: 1000)
        #expect(seen == clock.nanoseconds())
        loop.deregister(registration)
    }

    @Test func jobsFromOtherThreadsRunOnTheLoopAndWakeIt() throws {
        let loop = try EventLoop()
        let handle = loop.handle
        let ran = Mutex<[Int]>([])
        let thread = try LoopThread(name: "sender") {
            for value in 0..<100 {
                handle.execute { _ in ran.withLock { $0.append(value) } }
            }
        }
        thread.join()
        let start = MonotonicClock.now()
        // Without the eventfd wakeup this would sleep forever (no timeout given).
        while ran.withLock({ $0.count }) < 100 && MonotonicClock.now() - start < 2_000_000_000 {
            loop.runOnce()
        }
        #expect(ran.withLock { $0 } == Array(0..<100))
    }

    @Test func runReturnsAfterStopFromAnotherThread() throws {
        let group = try EventLoopGroup(count: 2) { _ in }
        let count = Mutex(0)
        for handle in group.handles {
            handle.execute { loop in count.withLock { $0 += 1 + loop.index * 0 } }
        }
        usleep(50_000)
        group.stop()
        group.join()
        #expect(count.withLock { $0 } == 2)
    }

    @Test func flushRunsBeforeTheLoopSleeps() throws {
        final class Target: Flushable {
            var flushed = 0
            func flush() { flushed += 1 }
        }
        let loop = try EventLoop()
        let target = Target()
        loop.scheduleFlush(target)
        loop.runOnce(maximumWaitMilliseconds: 0)
        #expect(target.flushed == 1)
        loop.runOnce(maximumWaitMilliseconds: 0)
        #expect(target.flushed == 1)
    }
}
