import CLibPQ

/// How each value travels in PQexecParams: bytes, format (0 text, 1 binary) and type OID.
extension PostgresValue {
    /// `bytea`'s OID: binary parameters need an explicit type; text ones are left to the server (0)
    /// so `$1` takes whatever type its context needs (int4 column, text function argument, ...).
    static let byteaOID: Oid = 17

    var wire: (bytes: [UInt8]?, format: Int32, type: Oid) {
        switch self {
        case .null: return (nil, 0, 0)
        case .text(let value): return (Array(value.utf8), 0, 0)
        case .int(let value): return (Array(String(value).utf8), 0, 0)
        case .double(let value): return (Array(Self.postgresText(value).utf8), 0, 0)
        case .bool(let value): return (Array((value ? "true" : "false").utf8), 0, 0)
        case .bytes(let value): return (value, 1, Self.byteaOID)
        }
    }

    /// Swift prints `inf`/`nan`; PostgreSQL's float input wants `Infinity`/`NaN`.
    private static func postgresText(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        return String(value)
    }
}
