/// Holds the right to pull quotes: one instance at a time across the fleet.
public protocol LeaderLock: AnyObject {
    /// Takes the lock if it is free or renews it if `owner` holds it; true when
    /// `owner` holds it afterwards. The lock expires after `ttlMilliseconds`.
    func acquireOrRenew(owner: String, ttlMilliseconds: Int) throws -> Bool
    /// Gives the lock up if `owner` holds it (clean shutdown hands over at once).
    func release(owner: String) throws
}

/// Where a pulled tick goes: the quote store, written atomically and announced to every
/// instance.
public protocol QuoteSink: AnyObject {
    /// What the store holds now, its tick number and every latest quote, read
    /// atomically: the leader's diff baseline when it takes the lead or lost track.
    func readBaseline() throws -> TickBaseline
    /// Writes `message` (its quotes into the latest ones, the tick number, the
    /// announcement) atomically, but only if the store is still at `message.tick - 1`;
    /// otherwise writes nothing and says where the store is.
    func writeTick(_ message: TickMessage) throws -> TickWrite
}

/// How a conditional tick write ended.
public enum TickWrite: Equatable, Sendable {
    case written
    /// The store's tick is not the one the message follows: Redis restarted or was
    /// flushed, or another instance wrote (two leaders for a moment).
    case superseded(storeTick: Int64)
}

/// Why a pull wrote nothing although the source answered.
public enum SchedulerError: Error, Equatable, Sendable {
    /// The store moved on again right after it was reread (another writer is active).
    case storeMovedOn(expected: Int64, found: Int64)
}

/// Pulls quotes for the active stocks every interval while it leads and writes only
/// what changed since the tick it last wrote (`TickBaseline`). The caller's thread calls
/// `step(now:)` and sleeps until `nextStepAt`; time is injected so tests drive it with
/// a manual clock.
public final class Scheduler {
    public struct Timing: Sendable {
        /// Seconds between pulls.
        public var interval: Double
        /// The lock lives 2/3 of an interval and is renewed 4 times per interval, so a
        /// dead leader's lock expires and a follower takes over within one interval.
        public var lockTTL: Double { max(0.5, interval * 2 / 3) }
        public var renewEvery: Double { max(0.05, min(interval / 4, lockTTL / 3)) }

        public init(interval: Double) {
            precondition(interval > 0)
            self.interval = interval
        }
    }

    public enum Outcome: Equatable, Sendable {
        /// Led and pulled: how many quotes, and the tick's sequence number.
        case pulled(quotes: Int, tick: Int64)
        /// Led, but the next pull is not due yet.
        case waiting
        /// Another instance leads.
        case follower
        /// Led and due, but no market trades (market hours enforced): nothing pulled.
        case marketsClosed
        /// The pull or the write failed; the last good quotes stay in the store.
        case failed(String)
    }

    public let owner: String
    public let timing: Timing
    private let source: any QuoteSource
    private let lock: any LeaderLock
    private let sink: any QuoteSink
    private let stocks: () -> [Stock]
    private let log: (String) -> Void
    /// Nil: markets are pulled at any hour (`MARKET_HOURS=ignore`).
    private let hours: MarketHours?
    /// Reads the wall clock when a pull has returned, to stamp its quotes' ingest time
    /// (a slow source must not hide in source→ingest); nil: the step's `now`.
    private let clock: (() -> Int64)?
    private var gate = TradingGate()
    private var nextPullAt: Int64?
    /// The store as this leader last wrote it; nil until read (on taking the lead, or
    /// after a failure left it unknown).
    private var baseline: TickBaseline?
    public private(set) var isLeader = false
    public private(set) var nextStepAt: Int64 = 0

    public init(
        owner: String, timing: Timing, source: any QuoteSource, lock: any LeaderLock, sink: any QuoteSink,
        stocks: @escaping () -> [Stock], hours: MarketHours? = nil, clock: (() -> Int64)? = nil,
        log: @escaping (String) -> Void
    ) {
        self.clock = clock
        self.owner = owner
        self.timing = timing
        self.source = source
        self.lock = lock
        self.sink = sink
        self.stocks = stocks
        self.hours = hours
        self.log = log
    }

    private func micros(_ seconds: Double) -> Int64 { Int64(seconds * 1_000_000) }

    /// One round at `now` (microseconds since the epoch).
    @discardableResult
    public func step(now: Int64) -> Outcome {
        let leads: Bool
        do {
            leads = try lock.acquireOrRenew(owner: owner, ttlMilliseconds: Int(timing.lockTTL * 1000))
        } catch {
            // Without the lock store we cannot know who leads: stand down, retry soon.
            if isLeader { log("scheduler: leader lock unavailable (\(error)); standing down") }
            isLeader = false
            baseline = nil
            nextStepAt = now + micros(timing.renewEvery)
            return .failed("leader lock: \(error)")
        }
        if leads != isLeader {
            log(leads ? "scheduler: \(owner) now leads quote pulls" : "scheduler: \(owner) lost the lead")
            isLeader = leads
            baseline = nil  // another leader may have written meanwhile
            if leads { nextPullAt = now }
        }
        guard leads else {
            nextStepAt = now + micros(timing.renewEvery)
            return .follower
        }
        let dueAt = nextPullAt ?? now
        guard now >= dueAt else {
            nextStepAt = min(dueAt, now + micros(timing.renewEvery))
            return .waiting
        }
        let active = stocks()
        guard !active.isEmpty else {
            // No catalog yet (PostgreSQL slow or down at start): the pull stays due and is
            // tried again shortly, not a whole interval later.
            nextStepAt = now + micros(min(timing.renewEvery, Self.catalogRetry))
            return .waiting
        }
        // Keep a steady cadence; after a long stall, restart it from now.
        var next = dueAt + micros(timing.interval)
        if next <= now { next = now + micros(timing.interval) }
        nextPullAt = next
        nextStepAt = min(next, now + micros(timing.renewEvery))
        guard let hours else { return pull(active, now: now) }
        let trading = gate.admit(active, clock: hours.clock(), at: now + hours.offsetMicros)
        return trading.isEmpty ? .marketsClosed : pull(trading, now: now)
    }

    /// Seconds between checks for a catalog while there is none.
    static let catalogRetry = 0.2

    private func pull(_ active: [Stock], now: Int64) -> Outcome {
        let quotes: [Quote]
        do {
            quotes = try source.quotes(for: active, now: now)
        } catch {
            log("scheduler: \(source.name) pull failed: \(error); keeping the last good quotes")
            return .failed("\(error)")
        }
        guard !quotes.isEmpty else { return .pulled(quotes: 0, tick: 0) }
        do {
            let tick = try write(quotes, at: max(now, clock?() ?? now))
            return .pulled(quotes: quotes.count, tick: tick)
        } catch {
            baseline = nil  // the write may or may not have happened
            log("scheduler: writing tick failed: \(error)")
            return .failed("\(error)")
        }
    }

    /// Writes the changes since the baseline; if the store moved on (restarted, flushed,
    /// another writer), rereads it and tries once more.
    private func write(_ quotes: [Quote], at now: Int64) throws -> Int64 {
        var expected: Int64 = 0
        var found: Int64 = 0
        for _ in 0..<2 {
            var current = try baseline ?? sink.readBaseline()
            let message = current.nextMessage(pulled: quotes, at: now)
            switch try sink.writeTick(message) {
            case .written:
                current.apply(message)
                baseline = current
                return message.tick
            case .superseded(let storeTick):
                log("scheduler: the quote store is at tick \(storeTick), not \(current.tick); rereading it")
                baseline = nil
                (expected, found) = (current.tick, storeTick)
            }
        }
        throw SchedulerError.storeMovedOn(expected: expected, found: found)
    }

    /// Hands the lead over on shutdown.
    public func resign() {
        guard isLeader else { return }
        try? lock.release(owner: owner)
        isLeader = false
    }
}

@available(*, unavailable)
extension Scheduler: Sendable {}
