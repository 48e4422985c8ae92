/// Where quotes come from. Called on the scheduler's thread; may block.
public protocol QuoteSource: AnyObject {
    /// A short name for logs and metrics ("simulated", "http", "file").
    var name: String { get }
    /// Quotes for (some of) `stocks` at `now` (microseconds since the epoch). A source
    /// may omit stocks it has nothing new for; it throws when the whole pull failed.
    func quotes(for stocks: [Stock], now: Int64) throws(QuoteSourceError) -> [Quote]
}

public enum QuoteSourceError: Error, Equatable, Sendable, CustomStringConvertible {
    case unreachable(String)
    case timeout(seconds: Double)
    case badStatus(Int)
    case malformed(String)
    case exhausted

    public var description: String {
        switch self {
        case .unreachable(let reason): "source unreachable: \(reason)"
        case .timeout(let seconds): "source timed out after \(seconds) s"
        case .badStatus(let status): "source answered HTTP \(status)"
        case .malformed(let reason): "malformed source payload: \(reason)"
        case .exhausted: "recorded quotes exhausted"
        }
    }
}
