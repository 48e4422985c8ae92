import Glibc
import StockPush

/// Entry point: `stockpush <command> [options]`.
let arguments = Array(CommandLine.arguments.dropFirst())
let environment = ProcessEnvironment.current()
exit(Commands.run(arguments: arguments, environment: environment))
