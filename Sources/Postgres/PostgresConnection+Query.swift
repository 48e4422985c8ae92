import CLibPQ

/// Statements: parameterized ones through PQexecParams (values never touch the SQL text),
/// parameterless scripts through PQexec.
extension PostgresConnection {
    /// Runs a parameterized query (`$1`, `$2`, ...) and returns its rows.
    public func query(_ sql: String, _ parameters: [PostgresValue] = []) throws(PostgresError) -> PostgresRows {
        try run(sql, parameters).rows()
    }

    /// Runs a parameterized statement and returns the number of rows it affected (0 when not applicable).
    @discardableResult
    public func execute(_ sql: String, _ parameters: [PostgresValue] = []) throws(PostgresError) -> Int {
        try run(sql, parameters).rowsAffected
    }

    /// Runs several statements without parameters (migrations). They run in one implicit transaction
    /// unless the script contains its own BEGIN/COMMIT; the first failure stops the script.
    public func executeScript(_ sql: String) throws(PostgresError) {
        let handle = try liveHandle()
        _ = try checked(PQexec(handle, sql), handle: handle, query: sql)
    }

    func run(_ sql: String, _ parameters: [PostgresValue]) throws(PostgresError) -> QueryResult {
        let handle = try liveHandle()
        let encoded = try EncodedParameters(parameters, query: sql)
        let raw = PQexecParams(
            handle, sql, encoded.count, encoded.types, encoded.values, encoded.lengths, encoded.formats, 0)
        return try checked(raw, handle: handle, query: sql)
    }

    /// Turns a libpq result into success or the matching error: `connectionLost` when the socket is gone
    /// (callers reconnect), `queryFailed` with the SQLSTATE otherwise.
    private func checked(
        _ raw: OpaquePointer?, handle: OpaquePointer, query: String
    ) throws(PostgresError)
        -> QueryResult
    {
        guard let raw else {
            let message = trimmedMessage(PQerrorMessage(handle))
            if PQstatus(handle) == CONNECTION_BAD { throw .connectionLost(message: message) }
            throw .queryFailed(sqlState: "", message: message, detail: nil, query: query)
        }
        let result = QueryResult(raw)
        switch result.status {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return result
        case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
            abandonCopy(handle)
            throw .queryFailed(
                sqlState: "0A000", message: "COPY FROM STDIN / TO STDOUT is not supported", detail: nil, query: query)
        default:
            if PQstatus(handle) == CONNECTION_BAD { throw .connectionLost(message: result.errorMessage) }
            throw .queryFailed(
                sqlState: result.errorField(Int32(UInt8(ascii: "C"))) ?? "",  // PG_DIAG_SQLSTATE
                message: result.errorField(Int32(UInt8(ascii: "M"))) ?? result.errorMessage,  // PG_DIAG_MESSAGE_PRIMARY
                detail: result.errorField(Int32(UInt8(ascii: "D"))),  // PG_DIAG_MESSAGE_DETAIL
                query: query)
        }
    }

    /// Leaves COPY mode so the connection stays usable: fail a COPY IN, drain a COPY OUT, discard results.
    private func abandonCopy(_ handle: OpaquePointer) {
        _ = PQputCopyEnd(handle, "COPY is not supported by this client")
        var buffer: UnsafeMutablePointer<CChar>?
        while PQgetCopyData(handle, &buffer, 0) > 0 {
            PQfreemem(buffer)
            buffer = nil
        }
        while let pending = PQgetResult(handle) { PQclear(pending) }
    }
}
