/// A parsed JSON value.
///
/// Objects keep their key order as an array of pairs: client messages are small, so a
/// linear lookup beats hashing for fewer than ~16 keys, and a stable order makes tests
/// and logs readable. Duplicate keys are kept; lookups return the first.
public enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])
}

extension JSONValue: Equatable {
    /// Structural equality. Objects compare pair by pair in order, so `{"a":1,"b":2}`
    /// and `{"b":2,"a":1}` differ: the representation is ordered and equality follows it.
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let l), .bool(let r)): return l == r
        case (.number(let l), .number(let r)): return l == r
        case (.string(let l), .string(let r)): return l == r
        case (.array(let l), .array(let r)): return l == r
        case (.object(let l), .object(let r)):
            guard l.count == r.count else { return false }
            for index in l.indices where l[index].key != r[index].key || l[index].value != r[index].value {
                return false
            }
            return true
        default: return false
        }
    }
}
