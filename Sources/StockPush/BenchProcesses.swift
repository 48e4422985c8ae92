import Foundation
import LoadGenerator
import Server
import Telemetry

/// `stockpush bench --processes N`: one process holds at most its open-file limit of
/// clients, so larger runs start N copies of this binary, each with an equal share of
/// the client indexes, and merge their `--json --histograms` reports into one.
enum BenchProcesses {
    enum Failure: Error, CustomStringConvertible {
        case spawn(String)
        case child(index: Int, status: Int32, detail: String)

        var description: String {
            switch self {
            case .spawn(let detail): "cannot start a generator process: \(detail)"
            case .child(let index, let status, let detail): "generator process \(index) exited with \(status): \(detail)"
            }
        }
    }

    static func run(_ configuration: BenchConfiguration) throws(Failure) -> BenchReport {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var children: [(process: Process, output: Pipe)] = []
        StandardError.write(
            "bench: \(configuration.connections) clients over \(configuration.processes) processes of \(configuration.threads) thread(s)\n"
        )
        for index in 0..<configuration.processes {
            let process = Process()
            process.executableURL = executable
            process.arguments = ["bench"] + configuration.shard(index).arguments
            let output = Pipe()
            process.standardOutput = output
            do { try process.run() } catch {
                for child in children { child.process.terminate() }
                throw .spawn("\(error)")
            }
            children.append((process, output))
        }
        var merged: BenchReport?
        var failure: Failure?
        for (index, child) in children.enumerated() {
            let data = child.output.fileHandleForReading.readDataToEndOfFile()
            child.process.waitUntilExit()
            let text = String(decoding: data, as: UTF8.self)
            do {
                let report = try BenchReport(json: text)
                if merged == nil { merged = report } else { merged?.merge(report, cpus: LoadGenerator.availableCPUs()) }
            } catch {
                failure = failure ?? .child(index: index, status: child.process.terminationStatus, detail: "\(error)")
            }
        }
        if let failure { throw failure }
        guard let merged else { throw .spawn("no generator process ran") }
        return merged
    }
}
