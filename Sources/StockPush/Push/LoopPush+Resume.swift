import PushCore
import Reactor

/// A `resume`'s lookup runs on the session store's thread; its answer hops back to this
/// loop and reaches the core only if the same connection still holds the client (a slot
/// may have gone to another client meanwhile).
extension LoopPush {
    func loadSession(_ id: ClientID, _ request: ResumeRequest) {
        guard let connectionID = connections[id.slot]?.id else { return }
        guard let store = shared.sessions else { return sessionLoaded(id, connectionID, request, .unavailable) }
        let handle = loop.handle
        store.take(request.token, user: request.user) { lookup in
            handle.execute { loop in loop.attached(LoopPush.self)?.sessionLoaded(id, connectionID, request, lookup) }
        }
    }

    func sessionLoaded(_ id: ClientID, _ connectionID: UInt64, _ request: ResumeRequest, _ lookup: SessionLookup) {
        guard connections[id.slot]?.id == connectionID else { return }
        core.resumeLoaded(id, request, lookup, now: now, queueFull: { isQueueFull($0) }, into: &actions)
        perform()
    }
}
