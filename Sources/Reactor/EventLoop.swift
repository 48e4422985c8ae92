import Buffers
import Glibc
import Synchronization

/// One thread's reactor: epoll readiness, timers, cross-thread jobs and
/// write-before-sleep flushing. Everything on it runs on its own thread; other
/// threads reach it only through `EventLoopHandle`.
public final class EventLoop {
    private struct Slot {
        var handler: (any EventHandler)?
        var generation: UInt32
    }

    /// Which loop of its group this is (0-based).
    public let index: Int
    public let handle: EventLoopHandle
    private let epoll: Epoll
    private var slots: [Slot] = [Slot(handler: nil, generation: 0)]  // slot 0: the wakeup eventfd
    private var freeSlots: [UInt32] = []
    private var timers = TimerQueue()
    private var pendingFlush: [any Flushable] = []
    private var readBuffer: ByteBuffer?
    /// Where a message's parts are joined for one send(2) (`OutboundQueue.writeThrough`):
    /// one per loop, reused by every connection, so always in cache.
    public let joinBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 64)
    private var attachments: [ObjectIdentifier: AnyObject] = [:]
    /// The time source of `now` and of timers (a manual clock in tests).
    public let clock: any LoopClock
    /// Monotonic time, refreshed when `epoll_wait` returns (before any event of the
    /// batch is dispatched) and again before timers run, so handlers agree on "now".
    public private(set) var now: UInt64
    /// Number of registered file descriptors, wakeup excluded.
    public private(set) var registrationCount = 0

    public init(index: Int = 0, clock: any LoopClock = SystemLoopClock.shared) throws(ReactorError) {
        self.index = index
        self.clock = clock
        now = clock.nanoseconds()
        epoll = try Epoll()
        handle = EventLoopHandle(wakeups: try WakeupQueue())
        try epoll.add(handle.wakeups.eventFD, events: .readable, token: 0)
    }

    deinit {
        joinBuffer.deallocate()
    }

    // MARK: file descriptors

    public func register(_ fd: Int32, events: IOEvents, handler: any EventHandler) throws(ReactorError) -> Registration {
        let slot: UInt32
        if let free = freeSlots.popLast() {
            slot = free
            slots[Int(slot)].handler = handler
        } else {
            slot = UInt32(slots.count)
            slots.append(Slot(handler: handler, generation: 1))
        }
        let registration = Registration(slot: slot, generation: slots[Int(slot)].generation, fd: fd)
        do {
            try epoll.add(fd, events: events, token: registration.token)
        } catch {
            release(slot)
            throw error
        }
        registrationCount += 1
        return registration
    }

    public func modify(_ registration: Registration, events: IOEvents) throws(ReactorError) {
        precondition(isLive(registration), "modifying a stale registration")
        try epoll.modify(registration.fd, events: events, token: registration.token)
    }

    /// Stops events for the fd; call before closing it.
    public func deregister(_ registration: Registration) {
        guard isLive(registration) else { return }
        epoll.remove(registration.fd)
        release(registration.slot)
        registrationCount -= 1
    }

    private func isLive(_ registration: Registration) -> Bool {
        Int(registration.slot) < slots.count && slots[Int(registration.slot)].generation == registration.generation
            && slots[Int(registration.slot)].handler != nil
    }

    private func release(_ slot: UInt32) {
        slots[Int(slot)].handler = nil
        slots[Int(slot)].generation &+= 1
        if slots[Int(slot)].generation == 0 { slots[Int(slot)].generation = 1 }
        freeSlots.append(slot)
    }

    // MARK: timers

    /// Runs `callback` on this loop after `delay` nanoseconds.
    @discardableResult
    public func schedule(afterNanoseconds delay: UInt64, _ callback: @escaping () -> Void) -> TimerID {
        timers.schedule(at: clock.nanoseconds() &+ delay, callback)
    }

    public func cancel(_ timer: TimerID) {
        timers.cancel(timer)
    }

    // MARK: batching

    /// Asks for `target.flush()` just before the loop next sleeps. Callers keep their
    /// own "already scheduled" flag; the loop does not deduplicate.
    public func scheduleFlush(_ target: any Flushable) {
        pendingFlush.append(target)
    }

    /// A loop-wide receive buffer: read into it, parse in place, and copy only the
    /// leftover of an incomplete message into the connection. Must be returned.
    public func takeReadBuffer() -> ByteBuffer {
        if let buffer = readBuffer {
            readBuffer = nil
            return buffer
        }
        return ByteBuffer(capacity: 64 * 1024)
    }

    public func returnReadBuffer(_ buffer: ByteBuffer) {
        var buffer = buffer
        buffer.clear()
        // A buffer that grew for one huge message is not worth keeping around.
        if buffer.capacity <= 256 * 1024 { readBuffer = buffer }
    }

    // MARK: loop-local services

    /// Stores one loop-bound object per type (the server's per-loop state, the
    /// application's fan-out tables), for jobs that arrive through `handle.execute`.
    public func attach<T: AnyObject>(_ value: T) {
        attachments[ObjectIdentifier(T.self)] = value
    }

    public func attached<T: AnyObject>(_ type: T.Type) -> T? {
        attachments[ObjectIdentifier(T.self)] as? T
    }

    public func detach<T: AnyObject>(_ type: T.Type) {
        attachments[ObjectIdentifier(T.self)] = nil
    }

    // MARK: running

    /// Runs the loop on the calling thread until `handle.stop()`.
    public func run() {
        while !handle.isStopRequested {
            runOnce()
        }
        runJobs()
        flushAll()
    }

    /// Batches of ready events one pass takes (`Epoll.capacity` each).
    static let maxBatches = 64

    /// One iteration: flush, wait, dispatch, timers, jobs. Public for tests.
    public func runOnce(maximumWaitMilliseconds: Int32 = -1) {
        flushAll()
        var timeout = maximumWaitMilliseconds
        if let deadline = timers.nextDeadline() {
            let current = clock.nanoseconds()
            let waitMs = deadline <= current ? 0 : Int32(clamping: (deadline - current + 999_999) / 1_000_000)
            timeout = timeout < 0 ? waitMs : min(timeout, waitMs)
        }
        do {
            // A full batch means more may be ready: take those too, without sleeping, up
            // to `maxBatches`. A pass whose flush and tick are long (20,000 clients on a
            // starved core) then still hears every ready connection, not 256 of them a
            // pass; new clients' requests waited their turn past the header timeout and
            // were answered 408 (issue 15, workload C).
            var batches = 0
            while true {
                var woke = false
                let count = try epoll.wait(timeoutMilliseconds: batches == 0 ? timeout : 0) { token, events in
                    if !woke {
                        // The time before the sleep is no "now" for what woke us.
                        now = clock.nanoseconds()
                        woke = true
                    }
                    dispatch(token: token, events: events)
                }
                batches += 1
                if count < epoll.capacity || batches >= Self.maxBatches { break }
            }
        } catch {
            // epoll_wait only fails for programming errors (EBADF/EINVAL trap earlier).
            preconditionFailure("\(error)")
        }
        now = clock.nanoseconds()
        for callback in timers.popExpired(now: now) { callback() }
    }

    private func dispatch(token: UInt64, events: IOEvents) {
        if token == 0 {
            runJobs()
            return
        }
        let slot = Int(token & 0xFFFF_FFFF)
        let generation = UInt32(token >> 32)
        guard slot < slots.count, slots[slot].generation == generation, let handler = slots[slot].handler else {
            return  // stale: the fd was deregistered earlier in this batch
        }
        handler.handleEvents(events)
    }

    private func runJobs() {
        for job in handle.wakeups.drain() { job(self) }
    }

    private func flushAll() {
        var index = 0
        // Flushing may schedule more flushes (a close after a write); run them too.
        while index < pendingFlush.count {
            pendingFlush[index].flush()
            index += 1
        }
        pendingFlush.removeAll(keepingCapacity: true)
    }
}

@available(*, unavailable)
extension EventLoop: Sendable {}

/// The thread-safe face of a loop: submit jobs, ask it to stop.
public final class EventLoopHandle: Sendable {
    let wakeups: WakeupQueue
    private let stopRequested = Atomic<Bool>(false)

    init(wakeups: WakeupQueue) {
        self.wakeups = wakeups
    }

    /// Runs `job` on the loop's thread, with the loop, at its next iteration.
    public func execute(_ job: @escaping @Sendable (EventLoop) -> Void) {
        wakeups.enqueue(job)
    }

    public func stop() {
        stopRequested.store(true, ordering: .releasing)
        wakeups.signal()
    }

    public var isStopRequested: Bool { stopRequested.load(ordering: .acquiring) }
}
