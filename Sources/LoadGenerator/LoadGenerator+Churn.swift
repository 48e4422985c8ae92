import Reactor
import Retry

extension LoadGenerator {
    /// Runs `bench --churn`: waves of connect → subscribe → hold → disconnect over
    /// `configuration.threads` loops, then the merged report. Blocks until the last
    /// wave has disconnected (or the schedule plus a minute has passed).
    public static func runChurn(
        _ configuration: BenchConfiguration, churn: ChurnConfiguration, log: (String) -> Void
    ) throws -> ChurnReport {
        let schedule = churn.schedule
        try prepareProcess(for: schedule.peakConnections)
        let (target, sources) = try addresses(for: configuration)
        let progress = Progress()
        let start = MonotonicClock.now()
        let group = try EventLoopGroup(count: configuration.threads) { loop in
            let worker = ClientWorker(
                loop: loop, configuration: configuration, target: target, sources: sources, progress: progress,
                churn: ChurnPlan(churn))
            loop.attach(worker)
            worker.start()
        }
        defer {
            for handle in group.handles { handle.execute { $0.attached(ClientWorker.self)?.closeAll() } }
            group.stop()
            group.join()
        }
        log(
            "churn: \(schedule.waves) waves of \(schedule.waveSize) every \(format(schedule.intervalSeconds, 2)) s, held \(format(schedule.holdSeconds, 2)) s, \(churn.users == 0 ? "anonymous" : "\(churn.users) users")"
        )
        let deadline = start + UInt64((schedule.totalSeconds + 60) * 1e9)
        var lastLog = start
        while progress.acknowledged.load(ordering: .acquiring) < configuration.threads {
            let now = MonotonicClock.now()
            if now >= deadline {
                log("churn: the last wave did not end within a minute of its schedule")
                break
            }
            if now - lastLog >= 10_000_000_000 {
                lastLog = now
                log(
                    "churn: \(format(Double(now - start) / 1e9, 0)) s, \(progress.opened.load(ordering: .relaxed)) opened, \(progress.failed.load(ordering: .relaxed)) failed, \(progress.closed.load(ordering: .relaxed)) closed by the server"
                )
            }
            ThreadSleep.sleep(0.02)
        }
        let seconds = Double(MonotonicClock.now() - start) / 1e9
        var tally = ChurnTally()
        var stats = ReceiveStats()
        var handshakes = LatencyHistogram()
        var counts = ConnectionCounts()
        for result in results(of: group, threads: configuration.threads) {
            tally.merge(result.churn)
            stats.merge(result.stats)
            handshakes.merge(result.handshakes)
            counts.merge(result.counts)
        }
        return ChurnReport(
            schedule: schedule, users: churn.users, tally: tally, counts: counts, stats: stats, handshakes: handshakes,
            seconds: seconds)
    }
}
