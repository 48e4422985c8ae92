import PushProtocol

/// One loop's connections that take notifications (the notification stream's, and price
/// streams that subscribed), as a pure state machine: inputs in, actions out, no I/O.
///
/// A connection first catches up: its user's queue is read off the loop (`fetch`), and
/// until it arrives, live notifications for it are held back. The queue is then sent in
/// order, followed by the held-back ones it did not already contain — so queued ones
/// come before live ones, and none twice. A live one whose id is not after the last
/// queued one sent was in the queue when it was read (ids only grow), so it was sent.
final class NotificationFeed {
    enum Action: Equatable {
        /// Read `user`'s queue for this connection; answer with `loaded` or `loadFailed`.
        case fetch(connection: UInt64, user: String)
        /// One message, encoded once, to each of these connections.
        case send([UInt64], [UInt8])
    }

    private enum Phase {
        case catchingUp(held: [(id: String, message: [UInt8])])
        /// `sentThrough`: the last queued id sent in the catch-up.
        case live(sentThrough: String?)
    }

    private struct Sink {
        let user: String
        var phase: Phase
    }

    private var sinks: [UInt64: Sink] = [:]
    private var byUser: [String: [UInt64]] = [:]

    var count: Int { sinks.count }

    func isOpen(_ connection: UInt64) -> Bool { sinks[connection] != nil }

    func open(_ connection: UInt64, user: String, into actions: inout [Action]) {
        guard sinks[connection] == nil else { return }
        sinks[connection] = Sink(user: user, phase: .catchingUp(held: []))
        byUser[user, default: []].append(connection)
        actions.append(.fetch(connection: connection, user: user))
    }

    /// The queue as it was read: sent in order, then what was held back meanwhile.
    func loaded(_ connection: UInt64, entries: [NotificationStore.Entry], into actions: inout [Action]) {
        guard let sink = sinks[connection], case .catchingUp(let held) = sink.phase else { return }
        for entry in entries {
            actions.append(.send([connection], ServerMessage.notification(id: entry.id, body: entry.body, read: entry.read)))
        }
        let last = entries.last?.id
        for item in held where last.map({ NotificationID.precedes($0, item.id) }) ?? true {
            actions.append(.send([connection], item.message))
        }
        sinks[connection]?.phase = .live(sentThrough: last)
    }

    /// The queue could not be read: the held-back live ones go out; the queued ones wait
    /// for a later connection (they stay queued).
    func loadFailed(_ connection: UInt64, into actions: inout [Action]) {
        guard let sink = sinks[connection], case .catchingUp(let held) = sink.phase else { return }
        for item in held { actions.append(.send([connection], item.message)) }
        sinks[connection]?.phase = .live(sentThrough: nil)
    }

    /// A notification for `user`, already queued under `id`: the user's connections
    /// here get it (or hold it while they catch up). Returns how many connections it
    /// reached or will reach.
    @discardableResult
    func deliver(user: String, id: String, body: [UInt8], into actions: inout [Action]) -> Int {
        guard let connections = byUser[user] else { return 0 }
        let message = ServerMessage.notification(id: id, body: body)
        var now: [UInt64] = []
        for connection in connections {
            guard let sink = sinks[connection] else { continue }
            switch sink.phase {
            case .catchingUp(var held):
                held.append((id, message))
                sinks[connection]?.phase = .catchingUp(held: held)
            case .live(let sentThrough):
                if let sentThrough, !NotificationID.precedes(sentThrough, id) { continue }  // sent by the catch-up
                now.append(connection)
            }
        }
        if !now.isEmpty { actions.append(.send(now, message)) }
        return connections.count
    }

    func close(_ connection: UInt64) {
        guard let sink = sinks.removeValue(forKey: connection) else { return }
        byUser[sink.user]?.removeAll { $0 == connection }
        if byUser[sink.user]?.isEmpty == true { byUser[sink.user] = nil }
    }
}
