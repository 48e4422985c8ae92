/// N loops, one thread each. Connections are owned by the loop that accepted them.
public final class EventLoopGroup: Sendable {
    public let handles: [EventLoopHandle]
    private let threads: [LoopThread]

    /// Creates `count` loops; `setUp` runs on each loop's own thread before it starts
    /// serving (register listeners, timers). The loops run until `stop()`.
    public init(
        count: Int, clock: any LoopClock = SystemLoopClock.shared, setUp: @escaping @Sendable (EventLoop) throws -> Void
    ) throws {
        precondition(count > 0)
        var handles: [EventLoopHandle] = []
        var threads: [LoopThread] = []
        let ready = SetUpLatch(count: count)
        for index in 0..<count {
            let loop = try EventLoop(index: index, clock: clock)
            handles.append(loop.handle)
            // The loop is created here and from now on touched only by its thread.
            let transfer = UnsafeTransfer(loop)
            threads.append(
                try LoopThread(name: "loop-\(index)") {
                    let loop = transfer.value
                    do {
                        try setUp(loop)
                        ready.arrive(error: nil)
                    } catch {
                        ready.arrive(error: error)
                        return
                    }
                    loop.run()
                })
        }
        self.handles = handles
        self.threads = threads
        if let error = ready.wait() {
            stop()
            join()
            throw error
        }
    }

    public var count: Int { handles.count }

    public func stop() {
        for handle in handles { handle.stop() }
    }

    public func join() {
        for thread in threads { thread.join() }
    }
}

/// Hands a non-Sendable value to exactly one other thread.
/// Safe when the sender never touches the value again after the transfer.
struct UnsafeTransfer<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
