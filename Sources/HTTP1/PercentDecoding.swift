import HTTPGrammar

/// Percent-decoding (RFC 3986 §2.1) shared by the path and the query.
enum PercentDecoding {
    /// Strict decoding for the path: nil when an escape is invalid or the result is not UTF-8.
    static func decodeStrict(_ bytes: some Collection<UInt8>) -> String? {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            if byte == ASCII.percent {
                let first = bytes.index(after: index)
                guard first != bytes.endIndex else { return nil }
                let second = bytes.index(after: first)
                guard second != bytes.endIndex,
                    let high = ASCII.hexValue(bytes[first]), let low = ASCII.hexValue(bytes[second])
                else { return nil }
                output.append(high << 4 | low)
                index = bytes.index(after: second)
            } else {
                output.append(byte)
                index = bytes.index(after: index)
            }
        }
        return String(validating: output, as: UTF8.self)
    }

    /// Lenient decoding for query items (form encoding, '+' is a space): invalid escapes are
    /// kept literally and invalid UTF-8 is repaired, because a getter cannot report errors.
    static func decodeLenient(_ bytes: some Collection<UInt8>) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        let array = Array(bytes)
        var index = 0
        while index < array.count {
            let byte = array[index]
            if byte == ASCII.percent, index + 2 < array.count,
                let high = ASCII.hexValue(array[index + 1]), let low = ASCII.hexValue(array[index + 2])
            {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(byte == ASCII.plus ? ASCII.space : byte)
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
