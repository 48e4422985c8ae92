import Synchronization
import Telemetry
import Testing

@testable import StockPush

@Suite struct TickReportTests {
    @Test func theLastLoopWritesOneLineWithEveryLoopsClients() {
        let lines = Mutex<[String]>([])
        let logger = Logger(label: "push", minimumLevel: .debug, sink: { line in lines.withLock { $0.append(line) } })
        let report = TickReport(tick: 42, changed: 5, startedAt: 0, loops: 3, logger: logger)
        report.loopDone(clients: 10)
        report.loopDone(clients: 0)
        #expect(lines.withLock { $0.isEmpty }, "nothing until every loop is done")
        report.loopDone(clients: 7)
        let written = lines.withLock { $0 }
        #expect(written.count == 1)
        #expect(written.first?.contains("tick published tick=42 changed=5 clients=17 publish_ms=") == true)
    }
}
