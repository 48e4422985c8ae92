/// Parses TZif files (RFC 8536, versions 1 to 4), the binary format of the system's tz
/// database. Version 2+ files are read from their 64-bit section and footer; version 1
/// files from their 32-bit section. Leap-second records are skipped (UTC here is POSIX).
public enum TZif {
    public static func parse(_ bytes: [UInt8], zone: String) throws(TimeZoneError) -> TimeZoneRules {
        var reader = TZifReader(bytes: bytes, zone: zone)
        let first = try reader.header()
        guard first.version >= 2 else { return try reader.block(first, timeSize: 4, footer: nil) }
        try reader.skip(first.blockLength(timeSize: 4))
        let second = try reader.header()
        let start = reader.index
        try reader.skip(second.blockLength(timeSize: 8))
        let footer = try reader.footer()
        reader.index = start
        return try reader.block(second, timeSize: 8, footer: footer)
    }
}

struct TZifHeader {
    var version: Int
    var isutcnt: Int
    var isstdcnt: Int
    var leapcnt: Int
    var timecnt: Int
    var typecnt: Int
    var charcnt: Int

    func blockLength(timeSize: Int) -> Int {
        timecnt * (timeSize + 1) + typecnt * 6 + charcnt + leapcnt * (timeSize + 4) + isstdcnt + isutcnt
    }
}

private struct TZifReader {
    let bytes: [UInt8]
    let zone: String
    var index = 0

    func malformed(_ reason: String) -> TimeZoneError { .malformed(zone: zone, reason: reason) }

    mutating func skip(_ count: Int) throws(TimeZoneError) {
        guard count >= 0, bytes.count - index >= count else { throw malformed("truncated at byte \(index)") }
        index += count
    }

    mutating func integer(_ size: Int) throws(TimeZoneError) -> Int64 {
        let start = index
        try skip(size)
        var value: UInt64 = 0
        for byte in bytes[start..<start + size] { value = value << 8 | UInt64(byte) }
        // Sign-extend the big-endian two's complement value.
        let shift = UInt64(64 - size * 8)
        return Int64(bitPattern: value << shift) >> Int64(shift)
    }

    mutating func header() throws(TimeZoneError) -> TZifHeader {
        guard bytes.count - index >= 44, Array(bytes[index..<index + 4]) == [84, 90, 105, 102] else {
            throw malformed("no TZif magic")
        }
        let versionByte = bytes[index + 4]
        let version: Int
        switch versionByte {
        case 0: version = 1
        case 50...52: version = Int(versionByte) - 48  // '2'...'4'
        default: throw malformed("unknown version byte \(versionByte)")
        }
        index += 20
        var counts: [Int] = []
        for _ in 0..<6 { counts.append(Int(try integer(4))) }
        let header = TZifHeader(
            version: version, isutcnt: counts[0], isstdcnt: counts[1], leapcnt: counts[2], timecnt: counts[3],
            typecnt: counts[4], charcnt: counts[5])
        guard counts.allSatisfy({ $0 >= 0 }), header.typecnt >= 1 else { throw malformed("no local time types") }
        guard header.isutcnt == 0 || header.isutcnt == header.typecnt,
            header.isstdcnt == 0 || header.isstdcnt == header.typecnt
        else { throw malformed("indicator counts differ from the type count") }
        return header
    }

    /// The data block after `header`: transitions, their types, the types' offsets.
    mutating func block(
        _ header: TZifHeader, timeSize: Int, footer: PosixTimeZone?
    ) throws(TimeZoneError)
        -> TimeZoneRules
    {
        var transitions: [Int64] = []
        transitions.reserveCapacity(header.timecnt)
        for _ in 0..<header.timecnt {
            let time = try integer(timeSize)
            if let last = transitions.last, time <= last { throw malformed("transitions out of order") }
            transitions.append(time)
        }
        var typeIndices: [Int] = []
        for _ in 0..<header.timecnt {
            let type = Int(try integer(1) & 0xFF)
            guard type < header.typecnt else { throw malformed("transition type \(type) out of range") }
            typeIndices.append(type)
        }
        var typeOffsets: [Int32] = []
        for _ in 0..<header.typecnt {
            let offset = try integer(4)
            guard abs(offset) <= 25 * 3600 else { throw malformed("offset \(offset) s out of range") }
            typeOffsets.append(Int32(offset))
            try skip(2)  // isdst, abbreviation index
        }
        try skip(header.charcnt + header.leapcnt * (timeSize + 4) + header.isstdcnt + header.isutcnt)
        return TimeZoneRules(
            name: zone, transitions: transitions, offsets: typeIndices.map { typeOffsets[$0] },
            initialOffset: Int(typeOffsets[0]), footer: footer)
    }

    /// `\n<POSIX TZ string>\n`; an empty string means no rule past the last transition.
    mutating func footer() throws(TimeZoneError) -> PosixTimeZone? {
        guard index < bytes.count, bytes[index] == 10 else { throw malformed("no footer") }
        let start = index + 1
        guard let end = bytes[start...].firstIndex(of: 10) else { throw malformed("unterminated footer") }
        index = end + 1
        guard end > start else { return nil }
        let text = String(decoding: bytes[start..<end], as: UTF8.self)
        guard let rule = PosixTimeZone.parse(text) else { throw malformed("footer \"\(text)\" does not parse") }
        return rule
    }
}
