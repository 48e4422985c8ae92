import Testing

@testable import Telemetry

@Suite struct HistogramTests {
    @Test func bucketsAreCumulativeAndInclusiveOfTheirBound() {
        let histogram = Histogram(bounds: [0.01, 0.1, 1])
        for value in [0.005, 0.01, 0.05, 0.5, 2] { histogram.observe(value) }
        let snapshot = histogram.snapshot
        #expect(snapshot.buckets == [2, 3, 4])
        #expect(snapshot.count == 5)
        #expect(abs(snapshot.sum - 2.565) < 1e-9)
    }

    @Test func anEmptyHistogramReportsZeros() {
        let snapshot = Histogram(bounds: [1, 2]).snapshot
        #expect(snapshot.buckets == [0, 0] && snapshot.count == 0 && snapshot.sum == 0)
    }

    @Test func concurrentObservationsAreAllCounted() async {
        let histogram = Histogram(bounds: [1])
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask { for _ in 0..<1000 { histogram.observe(0.5) } }
            }
        }
        #expect(histogram.snapshot.buckets == [4000])
        #expect(histogram.snapshot.count == 4000)
    }
}
