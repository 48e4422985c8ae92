/// One core's counters (its loop's share of the process's numbers). Plain integers:
/// only the loop that owns the core touches them, and admin queries read them there.
public struct PushStats: Sendable {
    public var messagesSent = 0
    public var bytesSent = 0
    public var priceUpdates = 0
    public var connectionsOpened = 0
    /// Held-back quotes replaced by newer ones.
    public var conflated = 0
    /// Client messages dropped by the rate limit.
    public var rateLimited = 0
    public var floodCloses = 0
    /// `resume` requests answered `resumed`, and refused (`resume_failed`/`_unavailable`).
    public var resumesSucceeded = 0
    public var resumesFailed = 0
    /// `error` replies by code.
    public var errors: [String: Int] = [:]
    /// Messages sent per second, measured over the last full second.
    public var messagesLastSecond = 0
    var messagesAtLastSample = 0

    public init() {}

    /// Closes a one-second measuring window (the shell calls it every second).
    public mutating func sampleSecond() {
        messagesLastSecond = messagesSent - messagesAtLastSample
        messagesAtLastSample = messagesSent
    }
}
