import Glibc
import Reactor

/// A connected pair of non-blocking Unix stream sockets for loop tests.
struct SocketPair {
    let left: Int32
    let right: Int32

    init() {
        var fds: [Int32] = [0, 0]
        let result = socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0, &fds)
        precondition(result == 0, "socketpair failed")
        left = fds[0]
        right = fds[1]
    }

    func close() {
        _ = Glibc.close(left)
        _ = Glibc.close(right)
    }

    /// Shrinks the send buffer so writes go partial quickly.
    func shrinkSendBuffer(_ fd: Int32, to size: Int32) {
        var value = size
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &value, socklen_t(MemoryLayout<Int32>.size))
    }
}

func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
    var offset = 0
    while offset < bytes.count {
        let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
        if n > 0 { offset += n } else { usleep(100) }
    }
}

func readAvailable(_ fd: Int32) -> [UInt8] {
    var result: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        if n <= 0 { return result }
        result.append(contentsOf: chunk[0..<n])
    }
}

/// Records the events a handler sees.
final class RecordingHandler: EventHandler {
    var events: [IOEvents] = []
    var onEvent: ((IOEvents) -> Void)?
    func handleEvents(_ events: IOEvents) {
        self.events.append(events)
        onEvent?(events)
    }
}
