import CLibPQ

/// One blocking libpq connection. Used from dedicated threads (scheduler, catalog loader, admin worker),
/// never from an event loop, and by one thread at a time: hence a plain blocking API and no Sendable.
public final class PostgresConnection {
    /// The owned `PGconn`; nil once closed.
    private(set) var handle: OpaquePointer?
    /// Where this connection goes (password redacted in `description`).
    public let url: PostgresURL
    /// Receives server notices and warnings (e.g. "table already exists, skipping"); dropped when nil,
    /// instead of libpq's default of printing them to stderr.
    public var noticeHandler: ((String) -> Void)?

    private init(handle: OpaquePointer, url: PostgresURL) {
        self.handle = handle
        self.url = url
    }

    deinit {
        if let handle { PQfinish(handle) }
    }

    /// Opens a connection, forcing UTF-8, ISO dates and the UTC time zone so text values decode predictably.
    /// libpq treats `connectTimeoutSeconds` below 2 as 2.
    public static func connect(
        _ url: PostgresURL, connectTimeoutSeconds: Int = 5
    ) throws(PostgresError)
        -> PostgresConnection
    {
        // Later keywords override what the expanded URL says, so our settings win.
        let keywords = ["dbname", "connect_timeout", "client_encoding", "fallback_application_name"]
        let values = [url.conninfo, String(max(1, connectTimeoutSeconds)), "UTF8", "stockpush"]
        let raw = withCStringArray(keywords) { keywords in
            withCStringArray(values) { values in PQconnectdbParams(keywords, values, 1) }
        }
        guard let raw else { throw .connectionFailed(url: url.redacted, message: "out of memory") }
        guard PQstatus(raw) == CONNECTION_OK else {
            let message = trimmedMessage(PQerrorMessage(raw))
            PQfinish(raw)
            throw .connectionFailed(url: url.redacted, message: message)
        }
        let connection = PostgresConnection(handle: raw, url: url)
        connection.installNoticeProcessor()
        try connection.executeScript("SET TIME ZONE 'UTC'; SET DateStyle TO ISO")
        return connection
    }

    /// True while libpq considers the socket usable. A dead server is only noticed on the next
    /// operation, so this may be true until a query fails with `connectionLost`.
    public var isConnected: Bool {
        guard let handle else { return false }
        return PQstatus(handle) == CONNECTION_OK
    }

    /// Closes the socket now; later calls throw `connectionLost`. Also done on deinit.
    public func close() {
        if let handle { PQfinish(handle) }
        handle = nil
    }

    /// The handle for an operation, or `connectionLost` when closed or known to be dead.
    func liveHandle() throws(PostgresError) -> OpaquePointer {
        guard let handle else { throw .connectionLost(message: "the connection was closed") }
        guard PQstatus(handle) == CONNECTION_OK else {
            throw .connectionLost(message: trimmedMessage(PQerrorMessage(handle)))
        }
        return handle
    }

    /// Routes notices to `noticeHandler`. The connection owns the PGconn, so the unretained
    /// pointer to self is valid whenever libpq can call back.
    private func installNoticeProcessor() {
        guard let handle else { return }
        let context = Unmanaged.passUnretained(self).toOpaque()
        PQsetNoticeProcessor(
            handle,
            { context, message in
                guard let context, let message else { return }
                let connection = Unmanaged<PostgresConnection>.fromOpaque(context).takeUnretainedValue()
                connection.noticeHandler?(trimmedMessage(message))
            }, context)
    }
}

@available(*, unavailable)
extension PostgresConnection: Sendable {}
