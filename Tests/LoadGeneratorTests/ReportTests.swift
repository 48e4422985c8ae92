import Foundation
import JSON
import Testing

@testable import LoadGenerator

@Suite struct ReportTests {
    static func report(cpuPercent: Double, cores: Int) -> BenchReport {
        var stats = ReceiveStats()
        stats.frames = 50_000
        stats.priceUpdates = 50_000
        stats.wireBytes = 200_000_000
        stats.seqGaps = 2
        for micros in [800, 1200, 1500, 4000] as [UInt64] { stats.latency.record(micros) }
        var handshakes = LatencyHistogram()
        handshakes.record(2500)
        var counts = ConnectionCounts()
        counts.opened = 998
        counts.failed = 2
        counts.closed = 1
        counts.closeCodes = [1008: 1]
        counts.failures = ["HTTP 429": 2]
        return BenchReport(
            connectionsRequested: 1000, counts: counts, threads: cores, connectSeconds: 0.5, warmupSeconds: 2,
            durationSeconds: 10, handshakes: handshakes, stats: stats, cpuPercent: cpuPercent, cpuCapacityCores: cores)
    }

    @Test func jsonCarriesEveryNumber() throws {
        let text = Self.report(cpuPercent: 50, cores: 2).json()
        let value = try JSONParser.parse(text)
        #expect(value["connections"]?["requested"]?.intValue == 1000)
        #expect(value["connections"]?["open"]?.intValue == 997)
        #expect(value["connections"]?["failed"]?.intValue == 2)
        #expect(value["connections"]?["closed"]?.intValue == 1)
        #expect(value["connections"]?["close_codes"]?["1008"]?.intValue == 1)
        #expect(value["handshake_ms"]?["p50"]?.doubleValue == 2.5)
        #expect(value["frames"]?.intValue == 50_000)
        #expect(value["frames_per_second"]?.doubleValue == 5000)
        #expect(value["mb_per_second"]?.doubleValue == 20)
        #expect(abs((value["latency_ms"]?["p50"]?.doubleValue ?? 0) - 1.2) <= 0.012)  // bucket midpoint, < 1 %
        #expect(value["latency_ms"]?["max"]?.doubleValue == 4)
        #expect(value["latency_ms"]?["p999"] != nil && value["latency_ms"]?["p90"] != nil && value["latency_ms"]?["p99"] != nil)
        #expect(value["seq_gaps"]?.intValue == 2)
        #expect(value["cpu_percent"]?.doubleValue == 50)
        #expect(value["generator_saturated"]?.boolValue == false)
        #expect(value["duration"]?.doubleValue == 10)
    }

    @Test func saturationIsFlagged() throws {
        let busy = Self.report(cpuPercent: 185, cores: 2)
        #expect(busy.generatorSaturated)
        #expect(try JSONParser.parse(busy.json())["generator_saturated"]?.boolValue == true)
        #expect(busy.table().contains("WARNING"))
        #expect(!Self.report(cpuPercent: 170, cores: 2).generatorSaturated)
    }

    @Test func fixedFormatting() {
        #expect(format(1.5, 2) == "1.50")
        #expect(format(0.0049, 3) == "0.005")
        #expect(format(-2.25, 1) == "-2.3" || format(-2.25, 1) == "-2.2")
        #expect(format(12345, 0) == "12345")
    }

    @Test func histogramJSONRoundTrips() throws {
        var histogram = LatencyHistogram()
        for micros in [3, 250, 257, 9_000, 1_500_000] as [UInt64] { histogram.record(micros) }
        var writer = JSONWriter()
        histogram.write(to: &writer)
        let text = String(decoding: writer.buffer.readableBytesArray, as: UTF8.self)
        #expect(try LatencyHistogram(json: JSONParser.parse(text)) == histogram)
        #expect(
            try LatencyHistogram(json: JSONParser.parse(#"{"total":0,"sum":0,"min":0,"max":0,"buckets":[]}"#))
                == LatencyHistogram())
        #expect(throws: BenchReport.DecodingError.self) {
            try LatencyHistogram(json: JSONParser.parse(#"{"total":2,"sum":0,"min":0,"max":0,"buckets":[[1,1]]}"#))
        }
    }

    @Test func reportJSONWithHistogramsRoundTrips() throws {
        var report = Self.report(cpuPercent: 50, cores: 2)
        report.counts.silent = 3
        let decoded = try BenchReport(json: report.json(histograms: true))
        #expect(decoded.json(histograms: true) == report.json(histograms: true))
        #expect(decoded.stats == report.stats && decoded.handshakes == report.handshakes)
        #expect(decoded.counts == report.counts)
        #expect(throws: BenchReport.DecodingError.self) { try BenchReport(json: report.json()) }  // no histograms
        #expect(throws: BenchReport.DecodingError.self) { try BenchReport(json: "bench: oops") }
        let inconsistent = report.json(histograms: true).replacingOccurrences(of: #""open":997"#, with: #""open":5"#)
        #expect(throws: BenchReport.DecodingError.invalid("connections.open")) { try BenchReport(json: inconsistent) }
    }

    @Test func mergingProcessesAddsCountsAndKeepsExactPercentiles() {
        var first = Self.report(cpuPercent: 40, cores: 1)
        var second = Self.report(cpuPercent: 30, cores: 1)
        second.durationSeconds = 12
        second.connectSeconds = 0.9
        second.stats.latency = LatencyHistogram()
        for _ in 0..<96 { second.stats.latency.record(100_000) }  // 96 slow updates
        first.merge(second, cpus: 1)
        #expect(first.processes == 2 && first.threads == 2)
        #expect(first.connectionsRequested == 2000 && first.counts.open == 1994 && first.counts.closeCodes == [1008: 2])
        #expect(first.counts.failures == ["HTTP 429": 4])
        #expect(first.stats.frames == 100_000 && first.stats.seqGaps == 4)
        #expect(first.durationSeconds == 11 && first.connectSeconds == 0.9)
        #expect(first.cpuPercent == 70 && first.cpuCapacityCores == 1)
        // 100 samples, 96 of them slow: the merged p50 is slow, the min is the fast one.
        #expect(first.stats.latency.total == 100)
        #expect(first.stats.latency.percentile(50) >= 99_000 && first.stats.latency.min == 800)
    }
}
