/// Non-negative integers in decimal, written in place: the price-update head's `seq`
/// and the greeting's `heartbeat_interval` are formatted without a JSON writer.
enum DecimalDigits {
    @usableFromInline
    static func count(_ value: UInt64) -> Int {
        var count = 1
        var rest = value / 10
        while rest > 0 {
            count += 1
            rest /= 10
        }
        return count
    }

    /// Writes `value` as its `digits` (= `count(value)`, which callers sizing a frame
    /// have already taken) at `offset` in `target`.
    static func write(_ value: UInt64, digits: Int, into target: UnsafeMutableRawBufferPointer, at offset: Int) {
        var remaining = value
        var position = offset + digits
        while position > offset {
            position -= 1
            target[position] = UInt8(ascii: "0") + UInt8(remaining % 10)
            remaining /= 10
        }
    }
}
