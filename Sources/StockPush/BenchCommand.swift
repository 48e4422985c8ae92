import Glibc
import LoadGenerator
import Reactor
import Server
import Telemetry

/// `stockpush bench`: the load generator. Talks to a running server (usually
/// `stockpush serve --bench S:Q`) and reports latency, throughput and its own CPU use.
public enum BenchCommand {
    public static let options: [OptionSpec] =
        [
            OptionSpec("--url", env: "BENCH_URL", default: BenchConfiguration.defaultURL, help: "price stream to connect to"),
            OptionSpec("--connections", env: "BENCH_CONNECTIONS", default: "1000", help: "client connections"),
            OptionSpec("--threads", env: "BENCH_THREADS", help: "event-loop threads (default: CPUs this process may use)"),
            OptionSpec(
                "--subscribe", env: "BENCH_SUBSCRIBE", default: BenchConfiguration.defaultTemplate,
                help: "subscribe message; {k} = client index modulo --topics"),
            OptionSpec("--topics", env: "BENCH_TOPICS", default: "10", help: "values {k} takes (0…topics-1)"),
            OptionSpec("--warmup", env: "BENCH_WARMUP", default: "2", help: "seconds after connecting before measuring"),
            OptionSpec("--duration", env: "BENCH_DURATION", default: "10", help: "seconds measured"),
            OptionSpec(
                "--connect-rate", env: "BENCH_CONNECT_RATE", default: "0",
                help: "connections started per second (0: as fast as possible)"),
            OptionSpec(
                "--source-ips", env: "BENCH_SOURCE_IPS",
                help: "source addresses 127.0.0.1…N to rotate over (default: one per 4000 connections; 127.x targets only)"),
            OptionSpec(
                "--stop-reading", env: "BENCH_STOP_READING", default: "0",
                help: "percent of clients that stop reading after subscribing (slow consumers)"),
            OptionSpec(
                "--processes", env: "BENCH_PROCESSES",
                help: "generator processes to split the clients over (default: as many as the open-file limit needs)"),
            OptionSpec("--json", env: "BENCH_JSON", isSwitch: true, help: "print one JSON object on stdout instead of the table"),
            OptionSpec(
                "--histograms", env: "BENCH_HISTOGRAMS", isSwitch: true,
                help: "add the raw latency and handshake histograms to --json (for merging runs)"),
            OptionSpec(
                "--deflate", env: "BENCH_DEFLATE", isSwitch: true,
                help: "offer permessage-deflate and inflate compressed frames (bytes is then what the wire carried)"),
            OptionSpec(
                "--first-index", env: "BENCH_FIRST_INDEX",
                help: "index of the first client ({k}, source address; for --processes)"),
            OptionSpec("--help", isSwitch: true, help: "show this help"),
        ] + churnOptions

    public static let usage = """
        Usage: stockpush bench [options]

        Opens WebSocket clients against a StockPush server, subscribes them, and reports
        handshake latency, frames/s, MB/s, publish-to-receipt latency percentiles, seq
        gaps, failed/closed connections and the generator's own CPU use.
        Typical: stockpush serve --bench 10:20 --max-connections-per-ip 1000000 & stockpush bench

        With --churn: waves of --wave-size clients connect, subscribe, stay --hold seconds
        and leave, one wave every --wave-interval seconds for --duration seconds (a leak
        soak); reports waves, connects ok/refused/failed, subscribed acks, messages and
        handshake percentiles. --users N --jwt-secret S makes them N JWT users.

        Options:
        \(Options.help(for: options))
        """

    /// The options as a configuration (flag, else environment, else default).
    static func configuration(from options: Options) throws -> BenchConfiguration {
        do {
            return try BenchConfiguration(
                value: { options.string($0) }, defaultThreads: LoadGenerator.availableCPUs(),
                openFileLimit: Int(clamping: ResourceLimits.raiseOpenFileLimit().soft))
        } catch {
            switch error {
            case .invalid(let option, let value, let expected):
                throw UsageError.invalidValue(option: option, value: value, expected: expected)
            }
        }
    }

    public static func run(arguments: [String], environment: [String: String]) throws -> Int32 {
        let options = try Options(arguments: arguments, specs: Self.options, environment: environment)
        if try options.bool("--help") {
            print(usage)
            return 0
        }
        let configuration = try Self.configuration(from: options)
        if let churn = try churnConfiguration(from: options, bench: configuration) {
            return runChurn(configuration, churn: churn)
        }
        let report: BenchReport
        do {
            if configuration.processes > 1 {
                report = try BenchProcesses.run(configuration)
            } else {
                report = try LoadGenerator.run(configuration) { line in StandardError.write("bench: \(line)\n") }
            }
        } catch let failure as LoadGenerator.Failure {
            StandardError.write("stockpush bench: \(failure)\n")
            return 1
        } catch let failure as BenchProcesses.Failure {
            StandardError.write("stockpush bench: \(failure)\n")
            return 1
        }
        if configuration.json {
            print(report.json(histograms: configuration.histograms))
        } else {
            print(report.table())
        }
        if report.generatorSaturated {
            StandardError.write(
                "stockpush bench: warning: the generator used \(Int(report.cpuPercentOfCapacity)) % of its CPU capacity; it may be the bottleneck\n"
            )
        }
        return report.counts.opened == 0 ? 1 : 0
    }
}
