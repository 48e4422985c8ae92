/// A query's rows, copied out of libpq: plain Swift values, safe to keep and pass between threads.
public struct PostgresRows: RandomAccessCollection, Sendable {
    /// Column names in result order.
    public let columns: [String]
    private let lookup: [String: Int]
    private let values: [[String?]]

    init(columns: [String], values: [[String?]]) {
        self.columns = columns
        // With duplicate names (`SELECT 1, 1`), name lookup finds the first, as in psql.
        lookup = Dictionary(columns.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        self.values = values
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { values.count }

    public subscript(index: Int) -> PostgresRow {
        PostgresRow(columns: columns, lookup: lookup, values: values[index])
    }
}
