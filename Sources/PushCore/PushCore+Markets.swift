import Buffers
import Market
import PushProtocol
import WebSocket

extension PushCore {
    /// Reads every market's state at `now.marketMicros` and announces each market whose
    /// state moved on since the last call (`market_status` to the clients it concerns).
    /// Returns when to call again: the earliest next change (market time), nil if none.
    ///
    /// The shell calls it from a timer set for that instant, but the state is always
    /// recomputed from `now`: a late timer or a clock step announces each market once,
    /// in its current state, and a step that crosses no change announces nothing.
    /// The first call only records the states (a subscribe carries them to a client).
    @discardableResult
    public func marketsTick(now: PushTime, into actions: inout [PushAction]) -> Int64? {
        let clock = catalog.clock
        let first = marketStates.isEmpty
        var changed: [(market: String, state: MarketState)] = []
        var states: [String: MarketState] = [:]
        for market in clock.markets {
            guard let state = clock.state(of: market, at: now.marketMicros) else { continue }
            states[market] = state
            guard !first, let previous = marketStates[market] else { continue }
            if previous.status != state.status || previous.since != state.since { changed.append((market, state)) }
        }
        marketStates = states
        if !changed.isEmpty { announce(changed, now: now, into: &actions) }
        return clock.nextChange(after: now.marketMicros)
    }

    /// Every market's state now, by code: what `get_status` and the stats report.
    public func marketSnapshot(at micros: Int64) -> [(market: String, state: MarketState)] {
        let clock = catalog.clock
        return clock.markets.compactMap { market in clock.state(of: market, at: micros).map { (market, $0) } }
    }

    /// One frame per changed market, to the members of every group whose subscriptions
    /// concern it (the market itself, or any stock it lists).
    private func announce(
        _ changed: [(market: String, state: MarketState)], now: PushTime, into actions: inout [PushAction]
    ) {
        for (market, state) in changed {
            let frame = FrameEncoder.sharedFrame(
                opcode: .text, payload: ServerMessage.marketStatus(market: market, state: state, timestamp: now.wallMicros))
            for group in groups.values where markets(of: group.keys).contains(market) {
                for client in group.members { send(frame: frame, to: client, into: &actions) }
            }
        }
    }

    /// The markets a list of subscriptions concerns.
    func markets(of keys: [SubscriptionKey]) -> Set<String> {
        var result: Set<String> = []
        for key in keys { result.formUnion(catalog.markets(of: key, covering: resolve(key) ?? [])) }
        return result
    }

    /// After a subscribe's acknowledgements: the status of each market the accepted
    /// targets concern, in code order. The state last announced is given where there is
    /// one, so a subscribe in the instant between a change and its timer does not get
    /// the change twice (once here, once from the timer).
    func sendMarketStatus(
        for keys: [SubscriptionKey], to client: PushClient, now: PushTime, into actions: inout [PushAction]
    ) {
        sendMarketStatus(of: markets(of: keys).sorted(), to: client, now: now, into: &actions)
    }

    /// The status of each of `markets`, in the order given.
    func sendMarketStatus(of markets: [String], to client: PushClient, now: PushTime, into actions: inout [PushAction]) {
        let clock = catalog.clock
        for market in markets {
            guard let state = marketStates[market] ?? clock.state(of: market, at: now.marketMicros) else { continue }
            send(
                text: ServerMessage.marketStatus(market: market, state: state, timestamp: now.wallMicros), to: client,
                into: &actions)
        }
    }
}
