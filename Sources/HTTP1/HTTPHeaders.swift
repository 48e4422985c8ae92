import HTTPGrammar

/// An ordered list of header fields. Order and duplicates are kept because
/// some fields (e.g. `Set-Cookie`) must not be merged; lookups ignore name case.
public struct HTTPHeaders: Sequence, Sendable, Equatable, ExpressibleByDictionaryLiteral {
    public typealias Element = (name: String, value: String)

    public private(set) var pairs: [(name: String, value: String)]

    public init() {
        pairs = []
    }

    /// Room for `capacity` fields up front (the parser: requests carry ~5–15).
    init(capacity: Int) {
        pairs = []
        pairs.reserveCapacity(capacity)
    }

    public init(_ pairs: [(String, String)]) {
        self.pairs = pairs.map { (name: $0.0, value: $0.1) }
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    public var count: Int { pairs.count }
    public var isEmpty: Bool { pairs.isEmpty }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        pairs.makeIterator()
    }

    public mutating func add(name: String, value: String) {
        pairs.append((name: name, value: value))
    }

    /// Replaces every field called `name` with a single one (or appends it).
    public mutating func replaceOrAdd(name: String, value: String) {
        remove(name: name)
        add(name: name, value: value)
    }

    public mutating func remove(name: String) {
        pairs.removeAll { ASCII.equalsIgnoringCase($0.name, name) }
    }

    public func contains(name: String) -> Bool {
        pairs.contains { ASCII.equalsIgnoringCase($0.name, name) }
    }

    /// The first value of the field, matching the name case-insensitively.
    public subscript(name: String) -> String? {
        pairs.first { ASCII.equalsIgnoringCase($0.name, name) }?.value
    }

    /// Every value of the field in received order (one per field line, not split on commas).
    public func values(_ name: String) -> [String] {
        pairs.filter { ASCII.equalsIgnoringCase($0.name, name) }.map(\.value)
    }

    /// true when a comma-separated header (Connection, Upgrade) contains `token`,
    /// case-insensitively, in any of its field lines.
    public func containsToken(_ token: String, in name: String) -> Bool {
        pairs.contains { ASCII.equalsIgnoringCase($0.name, name) && ASCII.list($0.value, contains: token) }
    }

    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.pairs.count == rhs.pairs.count
            && zip(lhs.pairs, rhs.pairs).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }
}
