/// What a client subscribes to: a strategy's stocks, one stock, or a market's stocks.
public enum SubscriptionType: String, Sendable, Hashable, CaseIterable {
    case strategy
    case stock
    case market
}

/// A subscription key, e.g. `strategy:volume_wave`.
public struct SubscriptionKey: Sendable, Hashable, CustomStringConvertible {
    public let type: SubscriptionType
    public let target: String

    public init(_ type: SubscriptionType, _ target: String) {
        self.type = type
        self.target = target
    }

    public var description: String { "\(type.rawValue):\(target)" }
}
