/// One segment level of the router's trie.
struct RouteNode<Handler> {
    private var literals: [Substring: RouteNode] = [:]
    /// Zero or one parameter child; an array because a struct cannot contain itself directly.
    private var parameterChild: [RouteNode] = []
    private var parameterName: String = ""
    /// Registration order is kept so `Allow` lists methods predictably.
    private var handlers: [(method: HTTPMethod, handler: Handler)] = []

    func handler(for method: HTTPMethod) -> Handler? {
        handlers.first { $0.method == method }?.handler
    }

    /// Registered methods, plus HEAD when GET is registered (it is served by GET).
    var allowedMethods: [HTTPMethod] {
        var methods = handlers.map(\.method)
        if methods.contains(.get) && !methods.contains(.head) { methods.append(.head) }
        return methods
    }

    mutating func insert(segments: ArraySlice<Substring>, method: HTTPMethod, handler: Handler) {
        guard let segment = segments.first else {
            if let index = handlers.firstIndex(where: { $0.method == method }) {
                handlers[index].handler = handler
            } else {
                handlers.append((method: method, handler: handler))
            }
            return
        }
        let rest = segments.dropFirst()
        if segment.hasPrefix("{") && segment.hasSuffix("}") && segment.count >= 2 {
            if parameterChild.isEmpty { parameterChild.append(RouteNode()) }
            // Two patterns naming the same position differently: the first name wins.
            if parameterName.isEmpty { parameterName = String(segment.dropFirst().dropLast()) }
            parameterChild[0].insert(segments: rest, method: method, handler: handler)
        } else {
            literals[segment, default: RouteNode()].insert(segments: rest, method: method, handler: handler)
        }
    }

    /// Appends every node with handlers that `segments` reaches, literal branches first.
    func collect(
        segments: ArraySlice<Substring>, parameters: [String: String],
        into candidates: inout [(node: RouteNode, parameters: [String: String])]
    ) {
        guard let segment = segments.first else {
            if !handlers.isEmpty { candidates.append((node: self, parameters: parameters)) }
            return
        }
        let rest = segments.dropFirst()
        if let literal = literals[segment] {
            literal.collect(segments: rest, parameters: parameters, into: &candidates)
        }
        if let child = parameterChild.first, !segment.isEmpty {
            var parameters = parameters
            parameters[parameterName] = String(segment)
            child.collect(segments: rest, parameters: parameters, into: &candidates)
        }
    }
}

extension RouteNode: Sendable where Handler: Sendable {}
