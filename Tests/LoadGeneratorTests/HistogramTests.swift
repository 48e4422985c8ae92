import Glibc
import Retry
import Testing

@testable import LoadGenerator

@Suite struct HistogramTests {
    /// Nearest-rank percentile of sorted values.
    static func exact(_ sorted: [UInt64], _ p: Double) -> UInt64 {
        let rank = max(1, Int((p / 100 * Double(sorted.count)).rounded(.up)))
        return sorted[rank - 1]
    }

    @Test(arguments: [UInt64(1), 7, 42])
    func percentilesWithinOnePercentOfSortedArray(seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        var histogram = LatencyHistogram()
        var values: [UInt64] = []
        for _ in 0..<50_000 {
            // Log-uniform from 1 µs to 60 s.
            let exponent = Double.random(in: 0...log2(60_000_000.0), using: &generator)
            let value = UInt64(pow(2, exponent))
            values.append(value)
            histogram.record(value)
        }
        values.sort()
        for p in [1.0, 10, 50, 90, 99, 99.9, 99.99, 100] {
            let truth = Double(Self.exact(values, p))
            let estimate = Double(histogram.percentile(p))
            #expect(abs(estimate - truth) <= max(truth * 0.01, 0.5), "p\(p): \(estimate) vs \(truth)")
        }
        #expect(histogram.max == values.last)
        #expect(histogram.min == values.first)
        #expect(histogram.total == 50_000)
    }

    @Test func mergeEqualsRecordingEverything() {
        var a = LatencyHistogram()
        var b = LatencyHistogram()
        var both = LatencyHistogram()
        for value in stride(from: UInt64(0), to: 2_000_000, by: 997) {
            if value % 2 == 0 { a.record(value) } else { b.record(value) }
            both.record(value)
        }
        a.merge(b)
        #expect(a == both)
    }

    @Test func bucketsCoverTheRange() {
        #expect(LatencyHistogram.index(of: 0) == 0)
        #expect(LatencyHistogram.index(of: 255) == 255)
        #expect(LatencyHistogram.index(of: 256) == 256)
        #expect(LatencyHistogram.index(of: 60_000_000) < LatencyHistogram.bucketCount)
        #expect(LatencyHistogram.index(of: .max) == LatencyHistogram.bucketCount - 1)
        var previous = -1
        for value in stride(from: UInt64(0), to: 67_000_000, by: 1013) {
            let index = LatencyHistogram.index(of: value)
            #expect(index >= previous)
            previous = index
            let representative = Double(LatencyHistogram.value(at: index))
            #expect(abs(representative - Double(value)) <= Double(value) * 0.005 + 0.5)
        }
        #expect(LatencyHistogram().percentile(99) == 0)
    }
}
