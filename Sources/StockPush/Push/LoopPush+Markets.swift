import PushCore

extension LoopPush {
    /// Longest wait between market checks: a wall-clock step (NTP) is noticed within it,
    /// since the loop's timers run on the monotonic clock.
    static let marketRecheckMicros: Int64 = 60_000_000

    /// Announces market changes and sets a timer for the next one (just past it). The
    /// core recomputes every state from the time it is given, so a late or early timer,
    /// or a clock step, costs at most one extra check, never a burst of messages.
    func marketsTick() {
        marketTimerGeneration &+= 1
        let generation = marketTimerGeneration
        let time = now
        let next = core.marketsTick(now: time, into: &actions)
        perform()
        let untilNext = next.map { max(0, $0 - time.marketMicros) } ?? Self.marketRecheckMicros
        let delay = min(untilNext, Self.marketRecheckMicros) + 1000
        loop.schedule(afterNanoseconds: UInt64(delay) * 1000) { [unowned self] in
            guard generation == marketTimerGeneration else { return }
            marketsTick()
        }
    }
}
