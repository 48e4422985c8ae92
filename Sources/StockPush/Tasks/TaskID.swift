/// A task id as it appears in paths, Redis keys and channel messages: 1–128 characters
/// of `[A-Za-z0-9._:-]`, so it needs no escaping anywhere it goes.
enum TaskID {
    static let maxLength = 128

    static func isValid(_ text: String) -> Bool {
        let bytes = text.utf8
        guard (1...maxLength).contains(bytes.count) else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"),
                UInt8(ascii: "-"):
                true
            default: false
            }
        }
    }

    static let rule = "1 to \(maxLength) characters of A-Z a-z 0-9 . _ : -"
}
