import Synchronization
import Testing

@testable import Telemetry

@Suite struct LoggerTests {
    /// Lines a logger wrote, from any thread.
    final class Lines: Sendable {
        private let storage = Mutex<[String]>([])
        var all: [String] { storage.withLock { $0 } }
        func append(_ line: String) { storage.withLock { $0.append(line) } }
    }

    @Test func aLineCarriesTimeLevelLabelAndMessage() {
        let lines = Lines()
        // 2024-03-01T12:34:56.789012Z
        let logger = Logger(label: "scheduler", sink: lines.append, clock: { 1_709_296_496_789_012 })
        logger.warning("Redis unavailable")
        #expect(lines.all == ["2024-03-01T12:34:56.789012Z WARN [scheduler] Redis unavailable\n"])
    }

    @Test func messagesBelowTheMinimumLevelAreNeitherWrittenNorBuilt() {
        let lines = Lines()
        let built = Atomic<Int>(0)
        let logger = Logger(label: "t", minimumLevel: .warning, sink: lines.append, clock: { 0 })
        func message(_ text: String) -> String {
            built.add(1, ordering: .relaxed)
            return text
        }
        logger.debug(message("d"))
        logger.info(message("i"))
        logger.warning(message("w"))
        logger.error(message("e"))
        #expect(built.load(ordering: .relaxed) == 2)
        #expect(lines.all.map { $0.split(separator: " ")[1] } == ["WARN", "ERROR"])
    }

    @Test func levelNamesParseCaseInsensitivelyAndRejectTheRest() {
        #expect(Logger.Level(name: "DEBUG") == .debug)
        #expect(Logger.Level(name: "Info") == .info)
        #expect(Logger.Level(name: "warn") == .warning)
        #expect(Logger.Level(name: "warning") == .warning)
        #expect(Logger.Level(name: "error") == .error)
        #expect(Logger.Level(name: "verbose") == nil)
        #expect(Logger.Level.allCases.sorted() == [.debug, .info, .warning, .error])
    }

    @Test func theDefaultClockReadsTheWallClock() {
        // 2020-01-01 and 2100-01-01 in microseconds: a sanity window, not a timing assertion.
        let now = RealTimeClock.nowMicroseconds()
        #expect(now > 1_577_836_800_000_000 && now < 4_102_444_800_000_000)
    }
}
