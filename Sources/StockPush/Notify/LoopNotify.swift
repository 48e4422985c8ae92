import Buffers
import JSON
import PushProtocol
import Reactor
import Server
import WebSocket

/// The notifications' shell on one event loop: carries the loop's `NotificationFeed`
/// actions out to connections — the notification stream's (`LoopNotify+Stream`, whose
/// handler this is) and price streams' that subscribed (through `LoopPush`) — reads
/// queues and removes acknowledged entries through the `NotificationService`, and
/// answers back here, on the loop. Runs only on its loop: no locks.
final class LoopNotify {
    let loop: EventLoop
    let shared: PushShared
    let service: NotificationService
    let feed = NotificationFeed()
    /// Every connection the feed knows, by connection id.
    var connections: [UInt64: Connection] = [:]
    /// Notification-stream connections (the heartbeat's audience), by connection id.
    var streams: [UInt64: StreamClient] = [:]
    /// Who is about to open a notification stream, by connection id (set by the upgrade).
    var arriving: [UInt64: StreamClient] = [:]
    /// Connections waiting for an ack's answer, by ticket.
    private var awaitingAcks: [Int: Connection] = [:]
    private var nextTicket = 0
    private var actions: [NotificationFeed.Action] = []

    struct StreamClient {
        let clientID: String
        let user: String
        let address: String
    }

    init(loop: EventLoop, shared: PushShared, service: NotificationService) {
        self.loop = loop
        self.shared = shared
        self.service = service
        scheduleHeartbeat()
    }

    /// `connection` starts taking `user`'s notifications: queued ones first.
    func start(_ connection: Connection, user: String) {
        guard !feed.isOpen(connection.id) else { return }
        connections[connection.id] = connection
        shared.metrics.notifications.connections.add(1)
        feed.open(connection.id, user: user, into: &actions)
        perform()
    }

    /// The connection closed or unsubscribed.
    func stop(_ connectionID: UInt64) {
        guard connections.removeValue(forKey: connectionID) != nil else { return }
        shared.metrics.notifications.connections.add(-1)
        feed.close(connectionID)
    }

    /// A notification already queued for `user`: how many of the user's connections
    /// here it reached.
    func deliver(user: String, id: String, body: [UInt8]) -> Int {
        defer { perform() }
        return feed.deliver(user: user, id: id, body: body, into: &actions)
    }

    /// Removes `ids` from `user`'s queue and answers `acked` (or why not) on `connection`.
    func acknowledge(_ ids: [String], user: String, on connection: Connection, requestID: JSONValue?) {
        nextTicket += 1
        let ticket = nextTicket
        awaitingAcks[ticket] = connection
        let handle = loop.handle
        service.ack(ids, user: user) { result in
            handle.execute { loop in loop.attached(LoopNotify.self)?.acknowledged(ticket, ids: ids, result, requestID: requestID)
            }
        }
    }

    private func acknowledged(
        _ ticket: Int, ids: [String], _ result: Result<NotificationStore.Acked, RedisJobError>, requestID: JSONValue?
    ) {
        guard let connection = awaitingAcks.removeValue(forKey: ticket), connection.isWebSocketOpen else { return }
        switch result {
        case .success(.removed):
            connection.send(textBytes: ServerMessage.acked(ids: ids, id: requestID))
        case .success(.unknown(let id)):
            let message =
                "notification \(id) is not queued for you (already acknowledged, expired, or never sent); nothing was removed"
            connection.send(
                textBytes: ServerMessage.error(
                    ProtocolError(code: .unknownNotification, message: message, id: requestID, target: id)))
        case .failure(let error):
            connection.send(textBytes: ServerMessage.error(Self.unavailable(error, id: requestID)))
        }
    }

    static func unavailable(_ error: RedisJobError, id: JSONValue?) -> ProtocolError {
        ProtocolError(
            code: .notificationsUnavailable, message: "the notification queue is unavailable (\(error)); retry later", id: id)
    }

    // MARK: actions

    private func perform() {
        var index = 0
        while index < actions.count {
            switch actions[index] {
            case .fetch(let connection, let user): fetch(connection, user: user)
            case .send(let targets, let message): send(message, to: targets)
            }
            index += 1
        }
        actions.removeAll(keepingCapacity: true)
    }

    private func fetch(_ connectionID: UInt64, user: String) {
        let handle = loop.handle
        service.pending(user: user) { result in
            handle.execute { loop in loop.attached(LoopNotify.self)?.fetched(connectionID, result) }
        }
    }

    private func fetched(_ connectionID: UInt64, _ result: Result<[NotificationStore.Entry], RedisJobError>) {
        switch result {
        case .success(let entries):
            feed.loaded(connectionID, entries: entries, into: &actions)
        case .failure(let error):
            shared.logger.warning("notifications: the queue of a connection could not be read: \(error)")
            connections[connectionID]?.send(textBytes: ServerMessage.error(Self.unavailable(error, id: nil)))
            feed.loadFailed(connectionID, into: &actions)
        }
        perform()
    }

    /// One frame for every target. A connection over its queue limit is skipped: the
    /// notification stays queued and comes again on its next connection.
    private func send(_ message: [UInt8], to targets: [UInt64]) {
        let frame = FrameEncoder.sharedFrame(opcode: .text, payload: message)
        var sent = 0
        for id in targets {
            guard let connection = connections[id], connection.isWebSocketOpen,
                connection.queuedBytes <= shared.configuration.maxQueuedBytes
            else { continue }
            connection.send(frame: frame)
            sent += 1
        }
        shared.metrics.notifications.delivered.add(sent)
    }

    private func scheduleHeartbeat() {
        let interval = UInt64(max(1, shared.heartbeatInterval) * 1e9)
        loop.schedule(afterNanoseconds: interval) { [unowned self] in
            if !streams.isEmpty {
                let frame = FrameEncoder.sharedFrame(
                    opcode: .text, payload: ServerMessage.heartbeat(timestamp: WallClock.nowMicroseconds()))
                for id in streams.keys { connections[id]?.send(frame: frame) }
            }
            scheduleHeartbeat()
        }
    }
}

@available(*, unavailable)
extension LoopNotify: Sendable {}
