#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The system's tz database: TZif files under a zoneinfo directory, read by name
/// ("America/New_York"). Blocking file reads: call it where the catalog loads, never on
/// an event loop.
public struct TimeZoneDatabase: Sendable {
    public static let systemDirectory = "/usr/share/zoneinfo"
    public let directory: String

    public init(directory: String = TimeZoneDatabase.systemDirectory) {
        self.directory = directory
    }

    /// The zone's rules; throws with the name when it is not a valid name, not in the
    /// database, or not a valid TZif file.
    public func rules(for name: String) throws(TimeZoneError) -> TimeZoneRules {
        guard Self.isValidName(name) else { throw .invalidName(name) }
        let path = directory + "/" + name
        return try TZif.parse(try Self.readFile(path, zone: name), zone: name)
    }

    /// Names as the tz database spells them: slash-separated components of letters,
    /// digits, `_`, `+`, `-` and `.`, none empty or a dot-only component (no escaping the
    /// directory).
    static func isValidName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 255 else { return false }
        for component in name.split(separator: "/", omittingEmptySubsequences: false) {
            guard !component.isEmpty, component != ".", component != "..", component.first != "." else { return false }
            for byte in component.utf8 {
                let allowed =
                    (65...90).contains(byte) || (97...122).contains(byte) || (48...57).contains(byte) || byte == 95
                    || byte == 43 || byte == 45 || byte == 46
                guard allowed else { return false }
            }
        }
        return true
    }

    /// Largest TZif file accepted (the biggest real ones are a few KiB).
    static let maximumSize = 1 << 20

    static func readFile(_ path: String, zone: String) throws(TimeZoneError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw .notFound(zone: zone, path: path) }
            throw .unreadable(zone: zone, path: path, errno: code)
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 8192)
        while bytes.count <= maximumSize {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count == 0 { return bytes }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadable(zone: zone, path: path, errno: errno)
            }
            bytes.append(contentsOf: chunk[0..<count])
        }
        throw .malformed(zone: zone, reason: "larger than \(maximumSize) bytes")
    }
}
