import PushCore
import Reactor
import Synchronization

/// Hands ticks to one loop with a bounded backlog. Up to `capacity` ticks may wait (a
/// loop that is briefly behind then sends several ticks with one `writev` per client:
/// the ticks of a backlog are delivered `batched`, so their messages queue and go out
/// together before the loop sleeps, instead of one send per tick per client);
/// beyond that, a new tick is merged into the newest waiting one (union of changed
/// stocks, the newer board and timestamp), so a loop that cannot keep up skips to the
/// latest prices instead of building an unbounded queue of stale ticks, and keeps
/// accepting and reading clients meanwhile. At most one delivery job is queued.
final class TickMailbox: Sendable {
    private struct State: Sendable {
        var waiting: [(update: TickUpdate, report: TickReport?)] = []
        var jobQueued = false
    }

    static let capacity = 8
    private let handle: EventLoopHandle
    private let state = Mutex(State())
    private let deliver: @Sendable (EventLoop, TickUpdate, TickReport?, _ batched: Bool) -> Void

    /// `deliver` runs on the loop for each tick taken (the loop's `LoopPush.publish`);
    /// `batched` when it is one of several taken at once.
    init(
        handle: EventLoopHandle,
        deliver: @escaping @Sendable (EventLoop, TickUpdate, TickReport?, _ batched: Bool) -> Void = {
            loop, tick, report, batched in
            loop.attached(LoopPush.self)?.publish(tick, report: report, batched: batched)
        }
    ) {
        self.handle = handle
        self.deliver = deliver
    }

    /// `report`: the tick's debug line, if on. A tick merged into a newer one reports
    /// this loop done with nobody reached (the newer tick's report counts them).
    func post(_ update: TickUpdate, report: TickReport? = nil) {
        let (scheduleJob, superseded) = state.withLock { state -> (Bool, TickReport?) in
            var superseded: TickReport?
            if state.waiting.count >= Self.capacity, let last = state.waiting.last {
                superseded = last.report
                state.waiting[state.waiting.count - 1] = (Self.merge(last.update, update), report)
            } else {
                state.waiting.append((update, report))
            }
            defer { state.jobQueued = true }
            return (!state.jobQueued, superseded)
        }
        superseded?.loopDone(clients: 0)
        guard scheduleJob else { return }
        handle.execute { [self] loop in
            let ticks = state.withLock { state -> [(update: TickUpdate, report: TickReport?)] in
                defer {
                    state.waiting.removeAll(keepingCapacity: true)
                    state.jobQueued = false
                }
                return state.waiting
            }
            for tick in ticks { deliver(loop, tick.update, tick.report, ticks.count > 1) }
        }
    }

    /// `newer` on top of `older`: every stock either changed, the newer prices.
    static func merge(_ older: TickUpdate, _ newer: TickUpdate) -> TickUpdate {
        var changed = Set(older.changed)
        changed.formUnion(newer.changed)
        // Latency counts from the first tick folded in.
        let startedAt = older.startedAt == 0 ? newer.startedAt : older.startedAt
        return TickUpdate(
            tick: newer.tick, timestamp: newer.timestamp, changed: changed.sorted(), board: newer.board, startedAt: startedAt)
    }
}
