import Buffers
import JSON
import Time

/// The two line formats, kept apart from the logger so each is tested on its own.
enum LogLine {
    /// `2024-03-01T12:34:56.789012Z WARN [cluster] message key=value key="two words"`.
    static func text(time: Int64, level: Logger.Level, component: String, message: String, fields: [LogField]) -> String {
        var line = Timestamp.iso8601(microsecondsSinceEpoch: time)
        line += " \(level.label) [\(component)] \(message)"
        for field in fields {
            line += " "
            line += field.name
            line += "="
            line += textValue(field.value)
        }
        line += "\n"
        return line
    }

    /// `{"ts":"…","level":"warning","component":"cluster","msg":"…","key":value}`, written
    /// by the project's JSON writer (escaping included), one object per line.
    static func json(time: Int64, level: Logger.Level, component: String, message: String, fields: [LogField]) -> String {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("ts")
        writer.string(Timestamp.iso8601(microsecondsSinceEpoch: time))
        writer.key("level")
        writer.string(level.name)
        writer.key("component")
        writer.string(component)
        writer.key("msg")
        writer.string(message)
        for field in fields {
            writer.key(field.key)
            switch field.value {
            case .string(let text): writer.string(text)
            case .int(let number): writer.int(number)
            case .double(let number): writer.double(number)
            case .bool(let flag): writer.bool(flag)
            case .null: writer.null()
            }
        }
        writer.endObject()
        writer.buffer.writeByte(UInt8(ascii: "\n"))
        return String(decoding: writer.buffer.readableBytesArray, as: UTF8.self)
    }

    /// A text value: bare when it is one plain word, else quoted with `"` and `\` escaped
    /// and control characters shown as `\n`, `\t` or `\u{…}`, so a line stays one line
    /// and `key=value` pairs stay splittable.
    static func textValue(_ value: LogField.Value) -> String {
        switch value {
        case .int(let number): return String(number)
        case .double(let number): return number.isFinite ? String(number) : "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return "-"
        case .string(let text):
            let plain =
                !text.isEmpty
                && text.unicodeScalars.allSatisfy {
                    $0.value > 0x20 && $0.value != 0x7F && $0 != "\"" && $0 != "\\" && $0 != "=" && $0 != "\u{2028}"
                        && $0 != "\u{2029}" && $0.value != 0x85 && $0.value != 0xA0
                }
            return plain ? text : quoted(text)
        }
    }

    private static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || scalar == "\u{2028}" || scalar == "\u{2029}" {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
