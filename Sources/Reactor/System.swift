import Glibc

/// Outcome of a non-blocking call: a value, or "try again when the fd is ready".
public enum IOResult<Value> {
    case processed(Value)
    case wouldBlock
}

/// The errno funnel every syscall goes through: retries `EINTR`, reports `EAGAIN`
/// as `.wouldBlock`, traps on errnos that can only mean a bug in this process, and
/// throws the rest with the call's name.
@inline(__always)
func posixCall<T: FixedWidthInteger>(
    function: StaticString, _ body: () -> T
) throws(ReactorError) -> IOResult<T> {
    while true {
        let result = body()
        if result >= 0 { return .processed(result) }
        let code = errno
        switch code {
        case EINTR: continue
        case EAGAIN: return .wouldBlock
        case EBADF, EFAULT:
            preconditionFailure("\(function) failed with errno \(code): a file descriptor bug in this process")
        default:
            throw .syscall(function: "\(function)", errno: code)
        }
    }
}

/// Same as `posixCall` for calls that must not return EAGAIN (setup, epoll_ctl).
@inline(__always)
func posixCallBlocking<T: FixedWidthInteger>(
    function: StaticString, _ body: () -> T
) throws(ReactorError) -> T {
    switch try posixCall(function: function, body) {
    case .processed(let value): return value
    case .wouldBlock: throw .syscall(function: "\(function)", errno: EAGAIN)
    }
}
