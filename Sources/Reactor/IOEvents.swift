import CLinux

/// Readiness interest and readiness reports, as epoll bits.
public struct IOEvents: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let readable = IOEvents(rawValue: UInt32(EPOLLIN.rawValue))
    public static let writable = IOEvents(rawValue: UInt32(EPOLLOUT.rawValue))
    /// The peer closed its write side (EPOLLRDHUP).
    public static let readHangup = IOEvents(rawValue: UInt32(EPOLLRDHUP.rawValue))
    public static let hangup = IOEvents(rawValue: UInt32(EPOLLHUP.rawValue))
    public static let error = IOEvents(rawValue: UInt32(EPOLLERR.rawValue))
}
