import Reactor

/// An upgrade decided later, for a route that must ask another thread first (a
/// cluster-wide connection limit kept in Redis): `start` runs on the connection's loop
/// once the handshake is set aside, with the responder that finishes it.
public struct DeferredUpgrade {
    let start: (UpgradeResponder) -> Void

    public init(_ start: @escaping (UpgradeResponder) -> Void) {
        self.start = start
    }
}

/// Finishes one deferred upgrade. Loop-bound: call `complete` on the connection's loop
/// (hop there with `loop.handle.execute` from other threads), exactly once.
public final class UpgradeResponder {
    public unowned let loop: EventLoop
    public let connectionID: UInt64
    private var answered = false

    init(loop: EventLoop, connectionID: UInt64) {
        self.loop = loop
        self.connectionID = connectionID
    }

    /// Carries out `decision` if the client still waits for it. Otherwise (it hung up,
    /// the header timeout answered 408, or this is a second answer) nothing is sent and
    /// `ifGone` runs, so whatever the route set aside for the connection is given back.
    public func complete(_ decision: UpgradeDecision, ifGone: () -> Void) {
        guard !answered else {
            ifGone()
            return
        }
        answered = true
        guard let connection = loop.attached(LoopServer.self)?.connection(id: connectionID),
            connection.completeDeferredUpgrade(decision)
        else {
            ifGone()
            return
        }
    }
}

@available(*, unavailable)
extension UpgradeResponder: Sendable {}
