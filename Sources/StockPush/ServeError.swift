/// Why `serve` could not start.
enum ServeError: Error, CustomStringConvertible {
    /// The listening socket could not be opened (the port is in use, the address is not ours).
    case cannotListen(host: String, port: Int, reason: String)

    var description: String {
        switch self {
        case .cannotListen(let host, let port, let reason):
            "cannot listen on \(host):\(port): \(reason)"
        }
    }
}
