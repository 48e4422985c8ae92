import Glibc

/// Failures of the kernel calls the reactor makes, with the call's name and errno.
public enum ReactorError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A system call failed; `function` names it, `errno` says why.
    case syscall(function: String, errno: Int32)
    /// An address string could not be parsed ("0.0.0.0", "::1", "localhost").
    case invalidAddress(String)
    /// The loop was asked to do something after it stopped.
    case loopStopped

    public var description: String {
        switch self {
        case .syscall(let function, let errno): "\(function) failed: \(errnoDescription(errno)) (errno \(errno))"
        case .invalidAddress(let text): "invalid address: \(text)"
        case .loopStopped: "event loop stopped"
        }
    }
}

func errnoDescription(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "unknown error" }
    return String(cString: text)
}
