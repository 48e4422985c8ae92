import CLibPQ

extension PostgresConnection {
    /// Runs `body` between BEGIN and COMMIT; ROLLBACK and rethrow when it throws.
    /// Not nestable: calling it inside a transaction throws SQLSTATE 25001.
    @discardableResult
    public func transaction<R>(_ body: (PostgresConnection) throws -> R) throws -> R {
        let handle = try liveHandle()
        guard PQtransactionStatus(handle) == PQTRANS_IDLE else {
            throw PostgresError.queryFailed(
                sqlState: "25001", message: "a transaction is already in progress", detail: nil, query: "BEGIN")
        }
        try execute("BEGIN")
        let value: R
        do {
            value = try body(self)
        } catch {
            if isConnected { _ = try? execute("ROLLBACK") }
            throw error
        }
        try commit()
        return value
    }

    /// COMMIT of a transaction in which a statement failed (and the body swallowed the error) "succeeds"
    /// with the tag ROLLBACK; report that as the failure it is.
    private func commit() throws(PostgresError) {
        let result = try run("COMMIT", [])
        if result.commandStatus == "ROLLBACK" {
            throw .queryFailed(
                sqlState: "25P02", message: "the transaction was rolled back because a statement in it failed",
                detail: nil, query: "COMMIT")
        }
    }
}
