import CLinux
import Glibc

/// The platform backend: the only code that talks to epoll (like Redis's ae_epoll.c).
/// Level-triggered; `token` travels in epoll_data so the loop can drop stale events.
struct Epoll: ~Copyable {
    private let fd: FileDescriptor
    private var events: UnsafeMutablePointer<clinux_event>
    let capacity: Int

    init(capacity: Int = 256) throws(ReactorError) {
        fd = FileDescriptor(taking: try posixCallBlocking(function: "epoll_create1") { clinux_epoll_create() })
        self.capacity = capacity
        events = .allocate(capacity: capacity)
    }

    deinit { events.deallocate() }

    func add(_ descriptor: Int32, events interest: IOEvents, token: UInt64) throws(ReactorError) {
        _ = try posixCallBlocking(function: "epoll_ctl(ADD)") {
            clinux_epoll_ctl(fd.rawValue, EPOLL_CTL_ADD, descriptor, interest.rawValue, token)
        }
    }

    func modify(_ descriptor: Int32, events interest: IOEvents, token: UInt64) throws(ReactorError) {
        _ = try posixCallBlocking(function: "epoll_ctl(MOD)") {
            clinux_epoll_ctl(fd.rawValue, EPOLL_CTL_MOD, descriptor, interest.rawValue, token)
        }
    }

    func remove(_ descriptor: Int32) {
        // ENOENT/EBADF here only mean the fd is already gone; nothing to undo.
        _ = clinux_epoll_ctl(fd.rawValue, EPOLL_CTL_DEL, descriptor, 0, 0)
    }

    /// Waits up to `timeoutMilliseconds` (-1: forever) and calls `body` per ready fd;
    /// returns how many there were (`capacity`: maybe more are ready).
    @discardableResult
    func wait(timeoutMilliseconds: Int32, _ body: (UInt64, IOEvents) -> Void) throws(ReactorError) -> Int {
        let count: Int32
        switch try posixCall(
            function: "epoll_wait", { clinux_epoll_wait(fd.rawValue, events, Int32(capacity), timeoutMilliseconds) })
        {
        case .processed(let n): count = n
        case .wouldBlock: count = 0
        }
        for index in 0..<Int(count) {
            body(events[index].data, IOEvents(rawValue: events[index].events))
        }
        return Int(count)
    }
}
