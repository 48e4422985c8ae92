import LoadGenerator
import Testing

@Suite struct ConnectionCountsTests {
    @Test func mergingAddsEveryCount() {
        var a = ConnectionCounts()
        a.opened = 10
        a.failed = 1
        a.closed = 2
        a.stoppedReading = 1
        a.silent = 3
        a.closeCodes = [1008: 2]
        a.failures = ["HTTP 429": 1]
        var b = ConnectionCounts()
        b.opened = 5
        b.closed = 1
        b.closeCodes = [1008: 1, 4408: 0]
        b.failures = ["HTTP 429": 2, "connect: refused": 4]
        a.merge(b)
        #expect(a.opened == 15 && a.failed == 1 && a.closed == 3 && a.stoppedReading == 1 && a.silent == 3)
        #expect(a.closeCodes == [1008: 3, 4408: 0])
        #expect(a.failures == ["HTTP 429": 3, "connect: refused": 4])
        #expect(a.open == 12)
    }
}
