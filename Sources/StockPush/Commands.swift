import Glibc
import Server
import Telemetry

/// Subcommand dispatch. Usage errors exit 64 (EX_USAGE) with a one-line reason.
public enum Commands {
    public static let usage = """
        Usage: stockpush <command> [options]

        Commands:
          serve     run the price push server (stockpush serve --help)
          migrate   apply pending database migrations (stockpush migrate --help)
          bench     load-test a running server (stockpush bench --help)
          help      show this help

        """

    public static func run(arguments: [String], environment: [String: String]) -> Int32 {
        guard let command = arguments.first else {
            print(usage)
            return 64
        }
        let rest = Array(arguments.dropFirst())
        do {
            switch command {
            case "serve":
                return try ServeCommand.run(arguments: rest, environment: environment)
            case "migrate":
                return try MigrateCommand.run(arguments: rest, environment: environment)
            case "bench":
                return try BenchCommand.run(arguments: rest, environment: environment)
            case "help", "--help", "-h":
                print(usage)
                return 0
            default:
                throw UsageError.unknownCommand(command)
            }
        } catch let error as UsageError {
            printError(
                "stockpush \(command): \(error)\nTry 'stockpush \(["serve", "migrate", "bench"].contains(command) ? "\(command) --help" : "help")'."
            )
            return 64
        } catch {
            printError("stockpush \(command): \(error)")
            return 1
        }
    }

    static func printError(_ text: String) {
        StandardError.write(text + "\n")
    }
}

/// The process environment as a dictionary (Glibc's environ, no Foundation).
public enum ProcessEnvironment {
    public static func current() -> [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return result
    }
}
