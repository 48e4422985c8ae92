import PushCore
import Reactor
import Server

/// Handshakes of authenticated users wait here (a few milliseconds, at most
/// `PriceStreamRoute.clusterDeadlineNanoseconds`) for the cluster-wide user count.
/// They are already counted in the local limits, so a refusal or a client gone
/// meanwhile gives those places back.
extension LoopPush {
    struct AwaitingVerdict {
        let info: ClientInfo
        let responder: UpgradeResponder
        let deadline: TimerID
    }

    func awaitClusterVerdict(
        _ info: ClientInfo, connectionID: UInt64, responder: UpgradeResponder, cluster: ClusterUserLimits
    ) {
        // Redis down or slow: the local count decides when the deadline passes.
        let deadline = loop.schedule(afterNanoseconds: PriceStreamRoute.clusterDeadlineNanoseconds) { [unowned self] in
            settle(connectionID, .unavailable)
        }
        awaitingVerdicts[connectionID] = AwaitingVerdict(info: info, responder: responder, deadline: deadline)
        let handle = loop.handle
        cluster.reserve(user: info.user) { verdict in
            handle.execute { loop in loop.attached(LoopPush.self)?.settle(connectionID, verdict) }
        }
    }

    /// The first of the verdict and the deadline decides; the other finds nothing left.
    func settle(_ connectionID: UInt64, _ verdict: ClusterUserLimits.Verdict) {
        guard let waiting = awaitingVerdicts.removeValue(forKey: connectionID) else { return }
        loop.cancel(waiting.deadline)
        let info = waiting.info
        if case .refused = verdict {
            shared.limits.release(user: info.user, address: info.remoteAddress)
            waiting.responder.complete(PriceStreamRoute.userRefusal(info.user, shared)) {}
            return
        }
        if verdict == .unavailable { shared.metrics.clusterLimitFallbacks.add(1) }
        expect(info, connectionID: connectionID)
        waiting.responder.complete(.accept(self)) { [self] in
            arriving.removeValue(forKey: connectionID)
            shared.limits.release(user: info.user, address: info.remoteAddress)
            shared.cluster?.release(user: info.user)
        }
    }
}
