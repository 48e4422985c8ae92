/// A declared command-line option with its environment fallback and default.
public struct OptionSpec: Sendable {
    public let flag: String
    public let environment: String?
    /// Other environment names read when `environment` is unset (older or foreign names).
    public let aliases: [String]
    public let defaultValue: String?
    public let help: String
    public let isSwitch: Bool

    public init(
        _ flag: String, env: String? = nil, aliases: [String] = [], default defaultValue: String? = nil,
        isSwitch: Bool = false, help: String
    ) {
        self.flag = flag
        self.environment = env
        self.aliases = aliases
        self.defaultValue = defaultValue
        self.help = help
        self.isSwitch = isSwitch
    }
}

/// Usage errors: printed with the command's help, exit status 64.
public enum UsageError: Error, Equatable, CustomStringConvertible {
    case unknownOption(String)
    case missingValue(String)
    case invalidValue(option: String, value: String, expected: String)
    /// A value refused for a reason other than its shape (an unknown log component).
    case rejected(option: String, value: String, reason: String)
    case unknownCommand(String)

    public var description: String {
        switch self {
        case .unknownOption(let flag): "unknown option \(flag)"
        case .missingValue(let flag): "option \(flag) needs a value"
        case .invalidValue(let option, let value, let expected): "invalid value '\(value)' for \(option): expected \(expected)"
        case .rejected(let option, let value, let reason): "invalid value '\(value)' for \(option): \(reason)"
        case .unknownCommand(let name): "unknown command '\(name)'"
        }
    }
}

/// Parsed options: flag, else environment variable, else its first alias that is set,
/// else default.
public struct Options {
    private var values: [String: String] = [:]
    private let specs: [OptionSpec]
    /// What the operator should hear about once logging is up (an alias overruled).
    public private(set) var warnings: [String] = []

    public init(arguments: [String], specs: [OptionSpec], environment: [String: String]) throws(UsageError) {
        self.specs = specs
        for spec in specs {
            if let value = fromEnvironment(spec, environment) {
                values[spec.flag] = value
            } else if let value = spec.defaultValue {
                values[spec.flag] = value
            }
        }
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            var flag = argument
            var inline: String?
            if let equals = argument.firstIndex(of: "="), argument.hasPrefix("--") {
                flag = String(argument[..<equals])
                inline = String(argument[argument.index(after: equals)...])
            }
            guard let spec = specs.first(where: { $0.flag == flag }) else { throw .unknownOption(argument) }
            if spec.isSwitch {
                values[flag] = inline ?? "true"
            } else if let inline {
                values[flag] = inline
            } else {
                index += 1
                guard index < arguments.count else { throw .missingValue(flag) }
                values[flag] = arguments[index]
            }
            index += 1
        }
    }

    /// The primary name wins over the aliases; an alias set to something else is named
    /// in `warnings` rather than silently ignored.
    private mutating func fromEnvironment(_ spec: OptionSpec, _ environment: [String: String]) -> String? {
        let names = (spec.environment.map { [$0] } ?? []) + spec.aliases
        let set = names.compactMap { name in environment[name].flatMap { $0.isEmpty ? nil : (name, $0) } }
        guard let (chosen, value) = set.first else { return nil }
        for (name, other) in set.dropFirst() where other != value {
            warnings.append("\(name)=\(other) is ignored: \(chosen)=\(value) is set and wins")
        }
        return value
    }

    public func string(_ flag: String) -> String? { values[flag] }

    public func int(_ flag: String, in range: ClosedRange<Int> = Int.min...Int.max) throws(UsageError) -> Int? {
        guard let text = values[flag] else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw .invalidValue(option: flag, value: text, expected: "an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    public func double(_ flag: String, minimum: Double = 0) throws(UsageError) -> Double? {
        guard let text = values[flag] else { return nil }
        guard let value = Double(text), value >= minimum, value.isFinite else {
            throw .invalidValue(option: flag, value: text, expected: "a number ≥ \(minimum)")
        }
        return value
    }

    public func bool(_ flag: String) throws(UsageError) -> Bool {
        guard let text = values[flag]?.lowercased() else { return false }
        switch text {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw .invalidValue(option: flag, value: text, expected: "true or false")
        }
    }

    /// Help text: one line per option with its environment variable and default.
    public static func help(for specs: [OptionSpec]) -> String {
        specs.map { spec in
            var line = "  \(spec.flag)"
            if !spec.isSwitch { line += " VALUE" }
            line = line.padding(toLength: 30)
            line += spec.help
            var notes: [String] = []
            if let env = spec.environment {
                notes.append((["env \(env)"] + spec.aliases).joined(separator: " or "))
            }
            if let value = spec.defaultValue { notes.append("default \(value)") }
            if !notes.isEmpty { line += " (" + notes.joined(separator: ", ") + ")" }
            return line
        }.joined(separator: "\n")
    }
}

extension String {
    func padding(toLength length: Int) -> String {
        count >= length ? self + " " : self + String(repeating: " ", count: length - count)
    }
}
