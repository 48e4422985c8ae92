import Glibc
import LoadGenerator
import Server
import Telemetry

/// `stockpush bench --churn`: the options and the run of the churn mode.
extension BenchCommand {
    static let churnOptions: [OptionSpec] = [
        OptionSpec(
            "--churn", env: "BENCH_CHURN", isSwitch: true,
            help: "waves of connect, subscribe, hold, disconnect for --duration seconds instead of one connect phase"),
        OptionSpec("--wave-size", env: "BENCH_WAVE_SIZE", default: "100", help: "clients per wave (--churn)"),
        OptionSpec("--wave-interval", env: "BENCH_WAVE_INTERVAL", default: "1", help: "seconds between waves (--churn)"),
        OptionSpec("--hold", env: "BENCH_HOLD", default: "2", help: "seconds each wave stays connected (--churn)"),
        OptionSpec(
            "--users", env: "BENCH_USERS",
            help: "JWT users the clients are spread over (churn-0…), tokens signed with --jwt-secret (--churn)"),
        OptionSpec("--jwt-secret", env: "BENCH_JWT_SECRET", help: "HS256 secret to mint the --users tokens with"),
        OptionSpec("--tokens-file", env: "BENCH_TOKENS_FILE", help: "bearer tokens to use in turn, one a line (--churn)"),
    ]

    /// The churn part of the options; nil without `--churn`.
    static func churnConfiguration(from options: Options, bench: BenchConfiguration) throws -> ChurnConfiguration? {
        do {
            let churn = try ChurnConfiguration(
                value: { options.string($0) }, durationSeconds: bench.durationSeconds, now: Int64(time(nil)))
            if churn != nil && options.string("--processes").map({ $0 != "1" }) == true {
                throw UsageError.invalidValue(
                    option: "--processes", value: options.string("--processes")!, expected: "1 with --churn")
            }
            return churn
        } catch let error as BenchConfiguration.Error {
            switch error {
            case .invalid(let option, let value, let expected):
                throw UsageError.invalidValue(option: option, value: value, expected: expected)
            }
        }
    }

    /// Runs the churn mode and prints its report; exit 1 when no connect got through.
    static func runChurn(_ configuration: BenchConfiguration, churn: ChurnConfiguration) -> Int32 {
        let report: ChurnReport
        do {
            report = try LoadGenerator.runChurn(configuration, churn: churn) { line in
                StandardError.write("bench: \(line)\n")
            }
        } catch {
            StandardError.write("stockpush bench: \(error)\n")
            return 1
        }
        print(configuration.json ? report.json() : report.table())
        return report.counts.opened == 0 ? 1 : 0
    }
}
