import CLibPQ

/// Sole owner of a `PGresult`: cleared when this goes out of scope, after the values were copied out.
struct QueryResult: ~Copyable {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        PQclear(pointer)
    }

    var status: ExecStatusType { PQresultStatus(pointer) }

    /// One diagnostic field (`PG_DIAG_*`), nil when the server did not send it.
    func errorField(_ code: Int32) -> String? {
        guard let value = PQresultErrorField(pointer, code) else { return nil }
        return String(cString: value)
    }

    var errorMessage: String { trimmedMessage(PQresultErrorMessage(pointer)) }

    /// The command tag, e.g. `INSERT 0 3` or `ROLLBACK`.
    var commandStatus: String { String(cString: PQcmdStatus(pointer)) }

    /// PQcmdTuples gives "" for commands that do not count rows.
    var rowsAffected: Int { Int(String(cString: PQcmdTuples(pointer))) ?? 0 }

    /// Copies every value out, so the caller keeps plain Swift data and the PGresult can go.
    func rows() -> PostgresRows {
        let columnCount = Int(PQnfields(pointer))
        let rowCount = Int(PQntuples(pointer))
        let names = (0..<columnCount).map { String(cString: PQfname(pointer, Int32($0))) }
        var values: [[String?]] = []
        values.reserveCapacity(rowCount)
        for row in 0..<Int32(rowCount) {
            values.append(
                (0..<Int32(columnCount)).map { column in
                    PQgetisnull(pointer, row, column) == 1 ? nil : String(cString: PQgetvalue(pointer, row, column))
                })
        }
        return PostgresRows(columns: names, values: values)
    }
}
