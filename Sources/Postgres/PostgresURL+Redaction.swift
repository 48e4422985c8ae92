/// Password redaction, so connection strings can be logged and put in error messages.
extension PostgresURL {
    static func redact(_ string: String) -> String {
        string.contains("://") ? redactURI(string) : redactKeyValues(string)
    }

    /// `scheme://user:secret@host/db?password=secret` → both secrets become `***`.
    private static func redactURI(_ uri: String) -> String {
        guard let schemeEnd = uri.firstRange(of: "://") else { return uri }
        let rest = uri[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        var authority = String(rest[..<authorityEnd])
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            if let colon = userInfo.firstIndex(of: ":") {
                authority = authority[...colon] + "***" + authority[at...]
            }
        }
        var tail = String(rest[authorityEnd...])
        if let question = tail.firstIndex(of: "?") {
            let parameters = tail[tail.index(after: question)...].split(separator: "&", omittingEmptySubsequences: false)
            let cleaned = parameters.map { parameter -> String in
                parameter.hasPrefix("password=") ? "password=***" : String(parameter)
            }
            tail = tail[...question] + cleaned.joined(separator: "&")
        }
        return uri[..<schemeEnd.upperBound] + authority + tail
    }

    /// `host=h password='a b' user=u` → `host=h password=*** user=u` (quotes and escapes understood).
    private static func redactKeyValues(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        var index = 0
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
        while index < bytes.count, isSpace(bytes[index]) { index += 1 }
        output += bytes[..<index]
        while index < bytes.count {
            let keyStart = index
            while index < bytes.count, bytes[index] != UInt8(ascii: "="), !isSpace(bytes[index]) { index += 1 }
            let key = bytes[keyStart..<index]
            while index < bytes.count, bytes[index] != UInt8(ascii: "=") { index += 1 }
            guard index < bytes.count else {
                output += bytes[keyStart...]
                break
            }
            index += 1
            while index < bytes.count, isSpace(bytes[index]) { index += 1 }
            let valueStart = index
            let quoted = index < bytes.count && bytes[index] == UInt8(ascii: "'")
            if quoted { index += 1 }
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\\") {
                    index += 2
                    continue
                }
                if quoted ? byte == UInt8(ascii: "'") : isSpace(byte) { break }
                index += 1
            }
            if quoted, index < bytes.count { index += 1 }
            index = min(index, bytes.count)
            output += bytes[keyStart..<valueStart]
            output += Array(key) == Array("password".utf8) ? Array("***".utf8) : Array(bytes[valueStart..<index])
            let spaceStart = index
            while index < bytes.count, isSpace(bytes[index]) { index += 1 }
            output += bytes[spaceStart..<index]
        }
        return String(decoding: output, as: UTF8.self)
    }
}
