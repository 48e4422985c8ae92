/// Writing a whole `JSONValue`, for cold paths such as replies and `description`.
extension JSONWriter {
    /// Numbers that are integral and below 2^53 in magnitude are written as integers
    /// (`7`, not `7.0`), so ids and counts read naturally; others use `double(_:)`.
    public mutating func value(_ value: JSONValue) {
        switch value {
        case .null: null()
        case .bool(let flag): bool(flag)
        case .number(let number):
            if number.magnitude < 9_007_199_254_740_992, let integer = Int(exactly: number),
                !(integer == 0 && number.sign == .minus)
            {
                int(integer)
            } else {
                double(number)
            }
        case .string(let text): string(text)
        case .array(let elements):
            beginArray()
            for element in elements { self.value(element) }
            endArray()
        case .object(let pairs):
            beginObject()
            for pair in pairs {
                key(escaping: pair.key)
                self.value(pair.value)
            }
            endObject()
        }
    }
}
