import Reactor

/// One loop's part of a churn run: the schedule, the tokens, and the clients of each
/// wave still to be disconnected. Lives on the loop's thread.
final class ChurnPlan {
    let configuration: ChurnConfiguration
    /// Clients of the waves not yet ended, by wave.
    var waves: [Int: [ClientConnection]] = [:]
    var tally = ChurnTally()

    init(_ configuration: ChurnConfiguration) {
        self.configuration = configuration
    }

    /// Closes every client still held (the run is over or stopped).
    func releaseAll() {
        for members in waves.values {
            for connection in members { connection.release() }
        }
        waves = [:]
    }
}

@available(*, unavailable)
extension ChurnPlan: Sendable {}

extension ClientWorker {
    /// Why a client counts as failed when its wave ended before its 101 arrived.
    static let notOpenInTime = "not open when its wave ended"

    /// Connects this loop's share of wave `wave`, arranges its disconnect after the
    /// hold, and the next wave's connect, both timed from the start of the run so
    /// that a slow wave does not shift the ones after it.
    func connectWave(_ wave: Int) {
        guard let churn else { return }
        let schedule = churn.configuration.schedule
        var members: [ClientConnection] = []
        for index in schedule.clients(ofWave: wave, thread: loop.index, threads: configuration.threads) {
            churn.tally.attempted += 1
            if let connection = startOne(index: index) { members.append(connection) }
        }
        churn.waves[wave] = members
        churn.tally.waves += 1
        loop.schedule(afterNanoseconds: nanoseconds(untilOffset: schedule.end(of: wave))) { [unowned self] in
            self.disconnectWave(wave)
        }
        if wave + 1 < schedule.waves {
            loop.schedule(afterNanoseconds: nanoseconds(untilOffset: schedule.start(of: wave + 1))) { [unowned self] in
                self.connectWave(wave + 1)
            }
        }
    }

    /// The end of wave `wave`'s hold: open clients leave with a close frame; clients
    /// still connecting count as failed. After the last wave the loop reports done.
    func disconnectWave(_ wave: Int) {
        guard let churn else { return }
        for connection in churn.waves.removeValue(forKey: wave) ?? [] {
            switch connection.phase {
            case .open:
                connection.finish()
                churn.tally.disconnected += 1
            case .connecting, .handshaking:
                connection.release()
                inFlight -= 1
                counts.failed += 1
                counts.failures[Self.notOpenInTime, default: 0] += 1
                progress.failed.add(1, ordering: .relaxed)
            case .closed:
                break  // failed or closed by the server: counted then
            }
        }
        if wave == churn.configuration.schedule.waves - 1 { progress.acknowledged.add(1, ordering: .releasing) }
    }

    /// Nanoseconds from now until `offset` seconds after the run started (0 if past).
    private func nanoseconds(untilOffset offset: Double) -> UInt64 {
        let due = startTime + UInt64(offset * 1e9)
        let now = MonotonicClock.now()
        return due > now ? due - now : 0
    }
}
