import Buffers
import Market
import PushProtocol
import WebSocket

/// Catalog edits made explicit: a subscriber whose target's coverage changed is told
/// so (`subscription_changed`) and gets a snapshot of the stocks it gained. Runs only
/// on a catalog change (rare), never on a tick.
extension PushCore {
    /// The keys held by some group whose stocks differ between `old` and the current
    /// catalog, each told once to each member of each group holding it. A target the
    /// catalog no longer knows (a deleted strategy) reads as covering nothing: the
    /// subscription is kept, with `removed` = all and `stocks` = [], so it resumes if
    /// the target comes back.
    func announceCoverageChanges(
        from old: [SubscriptionKey: [String]], now: PushTime, queueFull: QueueFull, into actions: inout [PushAction]
    ) {
        var changes: [SubscriptionKey: (frame: SharedBytes, added: [String])] = [:]
        for group in groups.values {
            for key in group.keys where changes[key] == nil {
                let before = old[key] ?? []
                let after = resolve(key) ?? []
                guard before != after else { continue }
                let added = Set(after).subtracting(before).sorted()
                let removed = Set(before).subtracting(after).sorted()
                let text = ServerMessage.subscriptionChanged(key, added: added, removed: removed, stocks: after)
                changes[key] = (FrameEncoder.sharedFrame(opcode: .text, payload: text), added)
            }
        }
        guard !changes.isEmpty else { return }
        for group in groups.values {
            let held = group.keys.compactMap { changes[$0] }
            guard !held.isEmpty else { continue }
            let added = held.flatMap(\.added)
            // Markets the group did not concern before: their status, as a subscribe gives it.
            let before = group.keys.reduce(into: Set<String>()) { result, key in
                result.formUnion(catalog.markets(of: key, covering: old[key] ?? []))
            }
            let gained = markets(of: group.keys).subtracting(before).sorted()
            let fragments = fragmentsInCodeOrder(added)
            let body = fragments.isEmpty ? nil : self.body(of: fragments, snapshot: true, timestamp: now.wallMicros)
            for client in group.members {
                for change in held { send(frame: change.frame, to: client, into: &actions) }
                sendMarketStatus(of: gained, to: client, now: now, into: &actions)
                // Stocks no longer covered are not caught up on later.
                client.heldBack.formIntersection(group.covered)
                guard let body else { continue }
                if queueFull(client.id) {
                    hold(added, for: client, into: &actions)
                } else {
                    deliver(body, to: client, into: &actions)
                }
            }
        }
    }
}
