/// When each wave of a churn run connects and disconnects, and which clients it holds.
/// Pure arithmetic, so the timing is testable without sockets: wave `k` connects
/// `waveSize` clients at `k × interval` seconds, holds them `hold` seconds, then closes
/// them; waves start while `k × interval < duration`.
public struct ChurnSchedule: Sendable, Equatable {
    public var waveSize: Int
    public var intervalSeconds: Double
    public var holdSeconds: Double
    public var durationSeconds: Double

    public init(waveSize: Int, intervalSeconds: Double, holdSeconds: Double, durationSeconds: Double) {
        precondition(waveSize > 0 && intervalSeconds > 0 && holdSeconds > 0 && durationSeconds > 0)
        self.waveSize = waveSize
        self.intervalSeconds = intervalSeconds
        self.holdSeconds = holdSeconds
        self.durationSeconds = durationSeconds
    }

    /// Waves in the run (at least one).
    public var waves: Int {
        var count = Int((durationSeconds / intervalSeconds).rounded(.up))
        // Rounding of the division must not add a wave that starts at `duration`.
        while count > 1 && Double(count - 1) * intervalSeconds >= durationSeconds { count -= 1 }
        return Swift.max(1, count)
    }

    /// Seconds from the start of the run to wave `wave`'s connects.
    public func start(of wave: Int) -> Double { Double(wave) * intervalSeconds }

    /// Seconds from the start of the run to wave `wave`'s disconnects.
    public func end(of wave: Int) -> Double { start(of: wave) + holdSeconds }

    /// Seconds until the last wave has disconnected.
    public var totalSeconds: Double { end(of: waves - 1) }

    /// Most connections open at once, counting a wave that connects in the same instant
    /// as an older one disconnects: the waves whose hold overlaps, plus one.
    public var peakConnections: Int {
        waveSize * Swift.min(waves, Int((holdSeconds / intervalSeconds).rounded(.down)) + 1)
    }

    /// Client indexes of wave `wave` that thread `thread` of `threads` connects (every
    /// client of a run has its own index, which picks its topic and its user).
    public func clients(ofWave wave: Int, thread: Int, threads: Int) -> [Int] {
        let first = wave * waveSize
        return stride(from: first + thread, to: first + waveSize, by: threads).map { $0 }
    }
}
