import HTTP1
import Reactor
import Synchronization

/// Completes an asynchronous HTTP response from any thread: the answer hops to the
/// loop that owns the connection. A second completion is ignored.
public final class HTTPResponder: Sendable {
    private let loop: EventLoopHandle
    private let connectionID: UInt64
    private let done = Atomic<Bool>(false)

    init(loop: EventLoopHandle, connectionID: UInt64) {
        self.loop = loop
        self.connectionID = connectionID
    }

    public func complete(_ response: HTTPResponse) {
        guard !done.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let id = connectionID
        loop.execute { loop in
            loop.attached(LoopServer.self)?.connection(id: id)?.completeAsyncResponse(response)
        }
    }
}
