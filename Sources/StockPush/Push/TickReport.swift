import Reactor
import Synchronization
import Telemetry

/// The per-tick debug line (`push=debug`): made by the publisher only when that level
/// is on, so with debug off a tick builds nothing for it. Each loop reports once, after
/// its last write of the tick (or at once when it reached nobody); the last loop writes
/// the line: changed quotes, clients reached on this instance, and the publish time
/// from the tick's start to the slowest loop's last write.
final class TickReport: Sendable {
    let tick: Int64
    let changed: Int
    let startedAt: UInt64
    private let logger: Logger
    private let state: Mutex<(remaining: Int, clients: Int)>

    init(tick: Int64, changed: Int, startedAt: UInt64, loops: Int, logger: Logger) {
        self.tick = tick
        self.changed = changed
        self.startedAt = startedAt
        self.logger = logger
        state = Mutex((max(1, loops), 0))
    }

    /// One loop is done with the tick, having queued it for `clients`.
    func loopDone(clients: Int) {
        let total = state.withLock { state -> Int? in
            state.remaining -= 1
            state.clients += clients
            return state.remaining == 0 ? state.clients : nil
        }
        guard let total else { return }
        let publishMs = Double((MonotonicClock.now() &- startedAt) / 1000) / 1000
        logger.debug(
            "tick published",
            [
                LogField("tick", Int(tick)), LogField("changed", changed), LogField("clients", total),
                LogField("publish_ms", publishMs),
            ])
    }
}
