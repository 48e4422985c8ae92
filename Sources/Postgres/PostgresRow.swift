/// One row: raw text by column name or position, or typed via `decode`.
public struct PostgresRow: Sendable {
    public let columns: [String]
    private let lookup: [String: Int]
    private let values: [String?]

    init(columns: [String], lookup: [String: Int], values: [String?]) {
        self.columns = columns
        self.lookup = lookup
        self.values = values
    }

    /// The value as PostgreSQL's text output; nil for NULL and for an unknown column
    /// (use `decode` when the difference matters).
    public subscript(column: String) -> String? {
        lookup[column].flatMap { values[$0] }
    }

    /// The value at a position (0-based), nil for NULL.
    public subscript(index: Int) -> String? {
        values[index]
    }

    /// The column decoded as `T`; NULL decodes only into an Optional.
    public func decode<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws(PostgresError) -> T {
        guard let index = lookup[column] else { throw .columnNotFound(column) }
        guard let text = values[index] else {
            guard let null = T.postgresNull else {
                throw .decodeFailed(column: column, expected: String(describing: T.self), value: nil)
            }
            return null
        }
        guard let value = T.decode(postgresText: text) else {
            throw .decodeFailed(column: column, expected: String(describing: T.self), value: text)
        }
        return value
    }
}
