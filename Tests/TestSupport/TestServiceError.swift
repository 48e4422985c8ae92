import Glibc

/// Why a test fixture (a reserved port, a private server) could not be set up.
public enum TestServiceError: Error, CustomStringConvertible {
    /// A system call failed with this errno.
    case system(String, Int32)
    /// A server process did not accept connections in time, or exited first.
    case didNotStart(String, port: Int)
    /// A helper script exited with this status.
    case scriptFailed([String], status: Int32)
    /// An environment variable the integration tests need is unset.
    case missingVariable(String)

    public var description: String {
        switch self {
        case .system(let call, let code): "\(call) failed: \(String(cString: strerror(code)))"
        case .didNotStart(let what, let port): "\(what) did not start on port \(port)"
        case .scriptFailed(let arguments, let status):
            "services.sh \(arguments.joined(separator: " ")) failed with status \(status)"
        case .missingVariable(let name):
            "\(name) is not set: run the tests through scripts/test.sh, or `scripts/services.sh start DIR` and export what it prints"
        }
    }
}
