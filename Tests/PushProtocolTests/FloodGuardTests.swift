import PushProtocol
import Testing

@Suite struct RateLimiterTests {
    let second: UInt64 = 1_000_000_000
    /// An arbitrary monotonic origin: the limiter must not assume the clock starts at 0.
    let origin: UInt64 = 987_654_321_000

    /// How many of `attempts` consumptions at `now` succeed (calls stay outside `#expect`,
    /// whose expansion cannot call mutating methods).
    func granted(_ limiter: inout RateLimiter, at now: UInt64, attempts: Int = 1) -> Int {
        (0..<attempts).reduce(0) { count, _ in count + (limiter.tryConsume(now: now) ? 1 : 0) }
    }

    @Test func startsFullThenRefusesAtOnce() {
        var limiter = RateLimiter(ratePerSecond: 20, burst: 40)
        let first = granted(&limiter, at: origin, attempts: 41)
        #expect(first == 40)
    }

    @Test func refillsAtTheRateUpToTheBurst() {
        var limiter = RateLimiter(ratePerSecond: 20, burst: 40)
        _ = granted(&limiter, at: origin, attempts: 40)
        let halfToken = granted(&limiter, at: origin + second / 40)
        let oneToken = granted(&limiter, at: origin + second / 20, attempts: 2)
        #expect(halfToken == 0)
        #expect(oneToken == 1)
        // One second later: 20 more, not 40.
        let oneSecond = granted(&limiter, at: origin + second / 20 + second, attempts: 40)
        #expect(oneSecond == 20)
        // A long idle period refills only up to the burst.
        let idle = granted(&limiter, at: origin + 3600 * second, attempts: 100)
        #expect(idle == 40)
    }

    @Test func aClockThatStepsBackAddsNothing() {
        var limiter = RateLimiter(ratePerSecond: 20, burst: 1)
        let results = [
            granted(&limiter, at: origin), granted(&limiter, at: origin - second),
            granted(&limiter, at: origin + second / 40), granted(&limiter, at: origin + second / 20),
        ]
        #expect(results == [1, 0, 0, 1])
    }
}

@Suite struct FloodGuardTests {
    let second: UInt64 = 1_000_000_000
    let origin: UInt64 = 5_000_000_000_000

    /// Sends at `perSecond` for `seconds` from `start`, collecting (time, verdict).
    func send(
        _ guardState: inout FloodGuard, perSecond: Int, seconds: Double, from start: UInt64
    ) -> [(UInt64, FloodGuard.Verdict)] {
        let interval = second / UInt64(perSecond)
        let count = Int(seconds * Double(perSecond))
        return (0..<count).map { index in
            let now = start + UInt64(index) * interval
            return (now, guardState.check(now: now))
        }
    }

    @Test func burstOfFortyThenDrops() {
        var flood = FloodGuard()
        let burst = (0..<40).map { _ in flood.check(now: origin) }
        let over = [flood.check(now: origin), flood.check(now: origin), flood.check(now: origin + second / 20)]
        #expect(burst.allSatisfy { $0 == .accept })
        #expect(over == [.drop(replyWithRateLimited: true), .drop(replyWithRateLimited: false), .accept])
    }

    @Test func oneRateLimitedReplyPerSecondDuringAFlood() throws {
        var flood = FloodGuard()
        let verdicts = send(&flood, perSecond: 100, seconds: 5, from: origin)
        let replies = verdicts.filter { $0.1 == .drop(replyWithRateLimited: true) }.map(\.0)
        let drops = verdicts.filter { if case .drop = $0.1 { true } else { false } }
        #expect(drops.count > 300)
        // First drop after the burst (0.4 s), then one per second: 0.4, 1.4, 2.4, 3.4, 4.4.
        #expect(replies.count == 5)
        let firstDrop = try #require(drops.first?.0)
        #expect(replies.first == firstDrop)
        for (earlier, later) in zip(replies, replies.dropFirst()) {
            #expect(later - earlier >= second)
            #expect(later - earlier <= second + second / 50)
        }
    }

    @Test func sustainedFloodIsClosedAfterTenSeconds() throws {
        var flood = FloodGuard()
        let verdicts = send(&flood, perSecond: 100, seconds: 11, from: origin)
        let firstClose = try #require(verdicts.first { $0.1 == .close }?.0)
        let elapsed = Double(firstClose - origin) / 1e9
        // The episode starts at the first drop (0.4 s, once the burst is spent).
        #expect(elapsed >= 10.0 && elapsed <= 10.5, "closed after \(elapsed) s")
        // Once closed, every later message gets the same verdict.
        #expect(verdicts.drop { $0.0 < firstClose }.allSatisfy { $0.1 == .close })
        let muchLater = flood.check(now: origin + 60 * second)
        #expect(muchLater == .close)
    }

    @Test func floodsSeparatedByAPauseAreNeverClosed() {
        var flood = FloodGuard()
        var verdicts = send(&flood, perSecond: 100, seconds: 5, from: origin)
        verdicts += send(&flood, perSecond: 100, seconds: 5, from: origin + 7 * second)
        verdicts += send(&flood, perSecond: 100, seconds: 5, from: origin + 14 * second)
        #expect(!verdicts.contains { $0.1 == .close })
        #expect(verdicts.contains { $0.1 == .drop(replyWithRateLimited: true) })
    }

    @Test func aShortPauseDoesNotEndTheEpisode() throws {
        var flood = FloodGuard()
        // Half a second of silence is not a break: the episode continues and closes.
        var verdicts = send(&flood, perSecond: 100, seconds: 6, from: origin)
        verdicts += send(&flood, perSecond: 100, seconds: 6, from: origin + 6 * second + second / 2)
        let firstClose = try #require(verdicts.first { $0.1 == .close }?.0)
        let elapsed = Double(firstClose - origin) / 1e9
        #expect(elapsed >= 10.0 && elapsed <= 10.5, "closed after \(elapsed) s")
    }

    @Test func justUnderTheRateIsNeverDropped() {
        var flood = FloodGuard()
        let verdicts = send(&flood, perSecond: 19, seconds: 120, from: origin)
        #expect(verdicts.allSatisfy { $0.1 == .accept })
    }

    @Test func customLimits() {
        var flood = FloodGuard(ratePerSecond: 1, burst: 2, floodCloseAfterSeconds: 3)
        let start = [flood.check(now: origin), flood.check(now: origin), flood.check(now: origin)]
        #expect(start == [.accept, .accept, .drop(replyWithRateLimited: true)])
        let verdicts = send(&flood, perSecond: 10, seconds: 4, from: origin + second / 10)
        let firstClose = verdicts.first { $0.1 == .close }?.0
        #expect(firstClose == origin + 3 * second)
    }
}
