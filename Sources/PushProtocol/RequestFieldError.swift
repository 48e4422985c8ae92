/// Why a parsed JSON object is not a valid request; `RequestParser` adds the `id` and
/// turns it into a `ProtocolError`. Internal, so the field walkers can use typed throws.
struct RequestFieldError: Error {
    let code: ErrorCode
    let message: String

    static func invalid(_ message: String) -> RequestFieldError {
        RequestFieldError(code: .invalidMessage, message: message)
    }
}
