/// Why a time zone could not be had from the tz database; every case names the zone, so
/// a catalog row with a bad `timezone` is refused with the name in the log.
public enum TimeZoneError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not a tz database name (empty, absolute, `..`, characters a zone never has).
    case invalidName(String)
    /// No such file under the zoneinfo directory.
    case notFound(zone: String, path: String)
    /// The file exists but could not be read (errno).
    case unreadable(zone: String, path: String, errno: Int32)
    /// Not a TZif file, truncated, or inconsistent.
    case malformed(zone: String, reason: String)

    public var description: String {
        switch self {
        case .invalidName(let name): "\"\(name)\" is not a time zone name"
        case .notFound(let zone, let path): "time zone \"\(zone)\" is not in the tz database (no \(path))"
        case .unreadable(let zone, let path, let errno): "time zone \"\(zone)\": cannot read \(path) (errno \(errno))"
        case .malformed(let zone, let reason): "time zone \"\(zone)\": malformed TZif data: \(reason)"
        }
    }
}
