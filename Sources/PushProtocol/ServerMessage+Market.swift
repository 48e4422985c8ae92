import JSON
import Market

extension ServerMessage {
    /// A market's status: at each change, and in answer to a subscribe that concerns it.
    /// `since` and `next_change` are null when no change lies within the clock's horizon.
    public static func marketStatus(market: String, state: MarketState, timestamp: Int64) -> [UInt8] {
        message("market_status") { writer in
            writer.key("market")
            writer.string(market)
            writer.marketStateFields(state)
            writer.key("timestamp")
            writer.timestamp(microseconds: timestamp)
        }
    }
}

extension JSONWriter {
    /// `"status":…,"since":…,"next_change":…` of one market.
    mutating func marketStateFields(_ state: MarketState) {
        key("status")
        string(state.status.rawValue)
        key("since")
        if let since = state.since { timestamp(microseconds: since) } else { null() }
        key("next_change")
        if let next = state.nextChange { timestamp(microseconds: next) } else { null() }
    }

    /// `"markets":{"HK":{"status":…,"since":…,"next_change":…},…}`, by market code.
    public mutating func markets(_ states: [(market: String, state: MarketState)]) {
        key("markets")
        beginObject()
        for (market, state) in states {
            key(escaping: market)
            beginObject()
            marketStateFields(state)
            endObject()
        }
        endObject()
    }
}
