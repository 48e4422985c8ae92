/// `LOG_LEVEL`: a default level and per-component overrides, as in
/// `info,push=debug,cluster=warning`. Parsed once at start; a mistake is refused there
/// with what was wrong, rather than silently logging too much or too little.
public struct LogLevels: Sendable, Equatable {
    public var defaultLevel: Logger.Level
    public var overrides: [String: Logger.Level]

    public init(defaultLevel: Logger.Level = .info, overrides: [String: Logger.Level] = [:]) {
        self.defaultLevel = defaultLevel
        self.overrides = overrides
    }

    public func level(for component: String) -> Logger.Level { overrides[component] ?? defaultLevel }

    /// Comma-separated items, each `LEVEL` (the default; at most once) or
    /// `COMPONENT=LEVEL` for one of `components`. Spaces around items are ignored.
    public init(parsing text: String, components: [String]) throws(LogLevelsError) {
        self.init()
        var sawDefault = false
        for rawItem in text.split(separator: ",", omittingEmptySubsequences: false) {
            let item = rawItem.trimmingSpaces
            guard !item.isEmpty else { throw .emptyItem(text) }
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if parts.count == 1 {
                guard !sawDefault else { throw .twoDefaults(text) }
                sawDefault = true
                defaultLevel = try Self.level(item)
                continue
            }
            let component = parts[0].trimmingSpaces.lowercased()
            guard components.contains(component) else { throw .unknownComponent(component, known: components) }
            guard overrides[component] == nil else { throw .repeatedComponent(component) }
            overrides[component] = try Self.level(parts[1].trimmingSpaces)
        }
    }

    private static func level(_ name: String) throws(LogLevelsError) -> Logger.Level {
        guard let level = Logger.Level(name: name) else { throw .unknownLevel(name) }
        return level
    }
}

/// Why a `LOG_LEVEL` value was refused; each case names the offending part.
public enum LogLevelsError: Error, Equatable, CustomStringConvertible {
    case unknownLevel(String)
    case unknownComponent(String, known: [String])
    case repeatedComponent(String)
    case twoDefaults(String)
    case emptyItem(String)

    public var description: String {
        switch self {
        case .unknownLevel(let name): "unknown level '\(name)' (debug, info, warning or error)"
        case .unknownComponent(let name, let known):
            "unknown component '\(name)' (components: \(known.joined(separator: ", ")))"
        case .repeatedComponent(let name): "component '\(name)' is given twice"
        case .twoDefaults(let text): "'\(text)' has two default levels; give one, then COMPONENT=LEVEL items"
        case .emptyItem(let text): "'\(text)' has an empty item"
        }
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces (no Foundation here).
    var trimmingSpaces: String {
        let scalars = unicodeScalars.drop { $0 == " " }
        var text = String(String.UnicodeScalarView(scalars))
        while text.last == " " { text.removeLast() }
        return text
    }
}
