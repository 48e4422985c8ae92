import CLibPQ
import Glibc

/// LISTEN/NOTIFY: how the admin side tells the catalog loader and scheduler that something changed.
extension PostgresConnection {
    public func listen(_ channel: String) throws(PostgresError) {
        try execute("LISTEN \(try quotedIdentifier(channel))")
    }

    public func unlisten(_ channel: String) throws(PostgresError) {
        try execute("UNLISTEN \(try quotedIdentifier(channel))")
    }

    /// pg_notify takes the channel as a value, so no quoting is needed.
    public func notify(_ channel: String, payload: String) throws(PostgresError) {
        _ = try query("SELECT pg_notify($1, $2)", [.text(channel), .text(payload)])
    }

    /// Waits up to `timeoutSeconds` for notifications and returns as soon as some arrived
    /// (possibly empty on timeout). Notifications that arrived during earlier queries come back at once.
    public func waitForNotifications(timeoutSeconds: Double) throws(PostgresError) -> [PostgresNotification] {
        let handle = try liveHandle()
        let clock = ContinuousClock()
        let deadline = clock.now + .milliseconds(Int64(max(0, timeoutSeconds) * 1000))
        var received = try drainNotifications(handle, readSocket: false)
        while received.isEmpty {
            let remaining = clock.now.duration(to: deadline)
            guard remaining > .zero else { break }
            let socket = PQsocket(handle)
            guard socket >= 0 else { throw .connectionLost(message: "the connection has no socket") }
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            let (seconds, attoseconds) = remaining.components
            let milliseconds = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
            let ready = poll(&descriptor, 1, milliseconds)
            if ready < 0 {
                if errno == EINTR { continue }
                throw .connectionLost(message: "poll failed: errno \(errno)")
            }
            if ready > 0 { received = try drainNotifications(handle, readSocket: true) }
        }
        return received
    }

    /// Reads what the socket holds (when asked) and collects the parsed notifications.
    private func drainNotifications(
        _ handle: OpaquePointer, readSocket: Bool
    ) throws(PostgresError)
        -> [PostgresNotification]
    {
        if readSocket, PQconsumeInput(handle) == 0 {
            throw .connectionLost(message: trimmedMessage(PQerrorMessage(handle)))
        }
        var received: [PostgresNotification] = []
        while let notify = PQnotifies(handle) {
            received.append(
                PostgresNotification(
                    channel: String(cString: notify.pointee.relname), payload: String(cString: notify.pointee.extra),
                    processID: notify.pointee.be_pid))
            PQfreemem(notify)
        }
        return received
    }

    /// A channel name as a quoted SQL identifier, so any string is a valid (and harmless) channel.
    private func quotedIdentifier(_ name: String) throws(PostgresError) -> String {
        let handle = try liveHandle()
        let utf8 = Array(name.utf8)
        guard let quoted = PQescapeIdentifier(handle, name, utf8.count) else {
            throw .queryFailed(
                sqlState: "", message: trimmedMessage(PQerrorMessage(handle)), detail: nil, query: "LISTEN")
        }
        defer { PQfreemem(quoted) }
        return String(cString: quoted)
    }
}
