import Buffers
import JSON
import Market
import PushProtocol
import Reactor
import Server
import WebSocket

/// One client of `/ws/stock/prices`: its identity, subscriptions, `seq`, flood guard
/// and conflation state. Loop-bound; the loop's `LoopPush` does the fan-out.
final class PriceSession: WebSocketHandler {
    let clientID: String
    let user: String
    let authenticated: Bool
    let remoteAddress: String
    /// Wall-clock seconds since the epoch at connect.
    let connectedAt: Double
    unowned let push: LoopPush
    /// Strong on purpose (weak references give objects a side table, which makes every
    /// retain on the fan-out path slow); the cycle with the connection is broken when it
    /// closes.
    private(set) var connection: Connection?

    /// In subscription order. A linear search is fine for lookups (at most
    /// WS_MAX_SUBSCRIPTIONS, touched only by requests) and a set would cost every
    /// connection another allocation.
    var subscriptions: [SubscriptionKey] = []
    /// Strong like `connection`; cleared when the session leaves the group.
    var group: SubscriptionGroup?
    var groupIndex = -1
    /// Position in `LoopPush.sessions` (-1: not registered).
    var registryIndex = -1

    /// Last `seq` sent; the next price_update carries seq + 1.
    var seq: UInt64 = 0
    /// The tick this session got a head written for (the fan-out's two passes).
    var lastTick: Int64 = -1
    /// Queued quotes replaced by newer ones while the client was slow.
    var conflated = 0
    /// Stocks whose update is held back while the queue is over the limit.
    var heldBack: Set<String> = []
    var floodGuard: FloodGuard

    init(clientID: String, user: String, authenticated: Bool, remoteAddress: String, push: LoopPush) {
        self.clientID = clientID
        self.user = user
        self.authenticated = authenticated
        self.remoteAddress = remoteAddress
        self.push = push
        connectedAt = Double(WallClock.nowMicroseconds()) / 1e6
        let config = push.shared.configuration
        floodGuard = FloodGuard(ratePerSecond: config.rateLimit, burst: config.rateBurst, floodCloseAfterSeconds: 10)
    }

    // MARK: WebSocketHandler

    func webSocketDidOpen(_ connection: Connection) {
        self.connection = connection
        push.register(self)
        let interval = Int(push.shared.heartbeatInterval.rounded())
        send(
            frame: ServerMessage.connectedFrame(
                clientID: clientID, heartbeatInterval: max(1, interval), timestamp: WallClock.nowMicroseconds()))
    }

    func webSocket(_ connection: Connection, didReceive message: WebSocketMessage) {
        guard case .text(let bytes) = message else {
            connection.close(code: .unsupportedData, reason: "binary messages are not accepted; send JSON text")
            return
        }
        switch floodGuard.check(now: push.loop.now) {
        case .accept:
            handle(bytes)
        case .drop(let reply):
            push.shared.metrics.rateLimited.add(1)
            if reply {
                // Only the reply needs the id, and at most once a second: parse just then.
                let id = try? RequestParser.parse(bytes).get().id
                sendError(
                    ProtocolError(
                        code: .rateLimited,
                        message:
                            "more than \(Int(push.shared.configuration.rateLimit)) messages per second; messages are being dropped",
                        id: id, target: nil))
            }
        case .close:
            push.shared.metrics.floodCloses.add(1)
            connection.close(code: .policyViolation, reason: "rate limit exceeded for 10 s")
        }
    }

    func webSocketDidClose(_ connection: Connection, code: CloseCode?) {
        push.unregister(self)
        push.shared.limits.release(user: user, address: remoteAddress)
        self.connection = nil
    }

    func webSocketWillShutDown(_ connection: Connection) {
        let delay = Int.random(in: 0...max(0, push.shared.configuration.shutdownReconnectMaxMs))
        send(ServerMessage.serverShutdown(reconnectAfterMs: delay, timestamp: WallClock.nowMicroseconds()))
    }

    func webSocketDidDrain(_ connection: Connection) {
        push.sendHeldBack(self)
    }

    // MARK: requests

    private func handle(_ bytes: [UInt8]) {
        switch RequestParser.parse(bytes) {
        case .failure(let error):
            sendError(error)
        case .success(let parsed):
            switch parsed.request {
            case .subscribe(let type, let targets):
                push.subscribe(self, type: type, targets: targets, id: parsed.id)
            case .unsubscribe(let type, let targets):
                push.unsubscribe(self, type: type, targets: targets, id: parsed.id)
            case .unsubscribeAll:
                push.unsubscribeAll(self, id: parsed.id)
            case .ping:
                send(ServerMessage.pong(timestamp: WallClock.nowMicroseconds(), id: parsed.id))
            case .getStatus:
                send(
                    ServerMessage.status(
                        clientID: clientID, user: user, connectedAt: connectedAt, subscriptions: subscriptions,
                        messageCount: messageCount, timestamp: WallClock.nowMicroseconds(), id: parsed.id))
            }
        }
    }

    func sendError(_ error: ProtocolError) {
        push.shared.metrics.countError(error.code.rawValue)
        send(ServerMessage.error(error))
    }

    func send(_ json: [UInt8]) {
        guard let connection else { return }
        push.stats.bytesSent += FrameEncoder.headerSize(payloadCount: json.count, masked: false) + json.count
        push.stats.messagesSent += 1
        connection.send(textBytes: json)
    }

    /// A text frame encoded once and shared (a cached reply many clients get alike).
    func send(frame: SharedBytes) {
        guard let connection else { return }
        push.stats.bytesSent += frame.count
        push.stats.messagesSent += 1
        connection.send(frame: frame)
    }

    var messageCount: Int { connection?.messagesSent ?? 0 }
    var queuedBytes: Int { connection?.queuedBytes ?? 0 }
}

@available(*, unavailable)
extension PriceSession: Sendable {}
