import HTTPGrammar

/// One element of a `Sec-WebSocket-Extensions` list (RFC 6455 9.1): an extension name
/// and its parameters in order, values unquoted.
public struct ExtensionOffer: Sendable, Equatable {
    public struct Parameter: Sendable, Equatable {
        /// Lowercased: extension parameter names are tokens compared case-insensitively here.
        public let name: String
        /// Nil for a parameter without `=`.
        public let value: String?

        public init(name: String, value: String?) {
            self.name = name
            self.value = value
        }
    }

    /// Lowercased.
    public let name: String
    public let parameters: [Parameter]

    public init(name: String, parameters: [Parameter]) {
        self.name = name
        self.parameters = parameters
    }

    /// The offers of every `Sec-WebSocket-Extensions` field (repeated fields are one list),
    /// in order. An element that breaks the grammar is nil, so it is declined alone
    /// rather than failing the handshake.
    public static func parse(_ fieldValues: [String]) -> [ExtensionOffer?] {
        var offers: [ExtensionOffer?] = []
        for value in fieldValues {
            for element in splitList(Array(value.utf8)) {
                var scanner = Scanner(bytes: element)
                scanner.skipWhitespace()
                if scanner.atEnd { continue }  // empty list elements are allowed and ignored
                offers.append(scanner.offer())
            }
        }
        return offers
    }

    /// The list's elements: split at commas outside quoted strings.
    static func splitList(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var elements: [ArraySlice<UInt8>] = []
        var start = 0
        var quoted = false
        var escaped = false
        for (index, byte) in bytes.enumerated() {
            if escaped {
                escaped = false
            } else if quoted && byte == UInt8(ascii: "\\") {
                escaped = true
            } else if byte == UInt8(ascii: "\"") {
                quoted.toggle()
            } else if byte == ASCII.comma && !quoted {
                elements.append(bytes[start..<index])
                start = index + 1
            }
        }
        elements.append(bytes[start...])
        return elements
    }

    /// Reads `token *( ";" param )` with optional whitespace around the separators.
    struct Scanner {
        let bytes: ArraySlice<UInt8>
        var position: Int

        init(bytes: ArraySlice<UInt8>) {
            self.bytes = bytes
            position = bytes.startIndex
        }

        var atEnd: Bool { position == bytes.endIndex }

        mutating func skipWhitespace() {
            while !atEnd && ASCII.isWhitespace(bytes[position]) { position += 1 }
        }

        mutating func offer() -> ExtensionOffer? {
            guard let name = token() else { return nil }
            var parameters: [Parameter] = []
            skipWhitespace()
            while !atEnd {
                guard bytes[position] == UInt8(ascii: ";") else { return nil }
                position += 1
                skipWhitespace()
                guard let parameter = parameter() else { return nil }
                parameters.append(parameter)
                skipWhitespace()
            }
            return ExtensionOffer(name: name, parameters: parameters)
        }

        mutating func parameter() -> Parameter? {
            guard let name = token() else { return nil }
            skipWhitespace()
            guard !atEnd, bytes[position] == ASCII.equals else { return Parameter(name: name, value: nil) }
            position += 1
            skipWhitespace()
            guard !atEnd else { return nil }
            guard bytes[position] == UInt8(ascii: "\"") else {
                return token(lowercased: false).map { Parameter(name: name, value: $0) }
            }
            // RFC 6455 9.1: a quoted value must still be a token once unquoted.
            guard let value = quotedString(), !value.isEmpty, value.utf8.allSatisfy(ASCII.isTokenByte) else { return nil }
            return Parameter(name: name, value: value)
        }

        mutating func token(lowercased: Bool = true) -> String? {
            let start = position
            while !atEnd && ASCII.isTokenByte(bytes[position]) { position += 1 }
            guard position > start else { return nil }
            let token = bytes[start..<position].map { lowercased ? ASCII.lowercased($0) : $0 }
            return String(decoding: token, as: UTF8.self)
        }

        /// The content of the quoted string at `position` with escapes resolved; nil if unterminated.
        mutating func quotedString() -> String? {
            position += 1
            var content: [UInt8] = []
            while !atEnd {
                let byte = bytes[position]
                position += 1
                switch byte {
                case UInt8(ascii: "\""): return String(decoding: content, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard !atEnd else { return nil }
                    content.append(bytes[position])
                    position += 1
                default: content.append(byte)
                }
            }
            return nil
        }
    }
}
