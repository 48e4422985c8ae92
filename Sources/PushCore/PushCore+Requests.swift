import JSON
import Market
import PushProtocol

extension PushCore {
    /// Whether a client's outbound queue is over the limit now (asked by the shell).
    public typealias QueueFull = (ClientID) -> Bool

    /// A text message from a client: flood control, then the request it holds.
    public func receive(
        _ bytes: [UInt8], from id: ClientID, now: PushTime, queueFull: QueueFull, into actions: inout [PushAction]
    ) {
        guard let client = client(id) else { return }
        switch client.floodGuard.check(now: now.monotonic) {
        case .accept:
            switch RequestParser.parse(bytes) {
            case .failure(let error):
                send(error: error, to: client, into: &actions)
            case .success(let parsed):
                handle(parsed, from: client, now: now, queueFull: queueFull, into: &actions)
            }
        case .drop(let reply):
            stats.rateLimited += 1
            guard reply else { return }
            // Only the reply needs the id, and at most once a second: parse just then.
            let id = try? RequestParser.parse(bytes).get().id
            let message =
                "more than \(Int(configuration.rateLimit)) messages per second; messages are being dropped"
            send(error: ProtocolError(code: .rateLimited, message: message, id: id), to: client, into: &actions)
        case .close:
            stats.floodCloses += 1
            actions.append(.close(client.id, .flood))
            forget(client, into: &actions)
        }
    }

    func handle(
        _ parsed: ParsedRequest, from client: PushClient, now: PushTime, queueFull: QueueFull = { _ in false },
        into actions: inout [PushAction]
    ) {
        switch parsed.request {
        case .subscribe(let type, let targets):
            guard catalogLoaded else { return wait(parsed, client: client, into: &actions) }
            subscribe(client, type: type, targets: targets, id: parsed.id, now: now, queueFull: queueFull, into: &actions)
        case .unsubscribe(let type, let targets):
            unsubscribe(client, type: type, targets: targets, id: parsed.id, into: &actions)
        case .unsubscribeAll:
            let count = client.subscriptions.count
            leaveGroup(client)
            client.subscriptions = []
            client.heldBack.removeAll()
            send(text: ServerMessage.unsubscribedAll(count: count, id: parsed.id), to: client, into: &actions)
            if count > 0 { saveSession(of: client, into: &actions) }
        case .resume(let token, let lastSeq):
            resume(client, token: token, lastSeq: lastSeq, id: parsed.id, into: &actions)
        case .subscribeNotifications, .unsubscribeNotifications:
            let subscribe = parsed.request == .subscribeNotifications
            let changed = client.notifications != subscribe
            client.notifications = subscribe
            actions.append(.notifications(client.id, subscribe: subscribe, id: parsed.id))
            if changed { saveSession(of: client, into: &actions) }
        case .ack(let ids):
            actions.append(.acknowledge(client.id, ids: ids, id: parsed.id))
        case .ping:
            send(text: ServerMessage.pong(timestamp: now.wallMicros, id: parsed.id), to: client, into: &actions)
        case .getStatus:
            let info = client.info
            let status = ServerMessage.status(
                clientID: info.clientID, user: info.user, connectedAt: Double(info.connectedAt) / 1e6,
                subscriptions: client.subscriptions, messageCount: client.messagesSent,
                markets: marketSnapshot(at: now.marketMicros), timestamp: now.wallMicros, id: parsed.id)
            send(text: status, to: client, into: &actions)
        }
    }

    /// Before the first catalog no target can be resolved: rather than calling a real
    /// strategy unknown, the subscribe waits (a few per client; past that, `not_ready`).
    private func wait(_ parsed: ParsedRequest, client: PushClient, into actions: inout [PushAction]) {
        guard pending[client.id.slot, default: []].count < configuration.maxPendingRequests else {
            let error = ProtocolError(
                code: .notReady, message: "the server is still loading its catalog; retry in a moment", id: parsed.id)
            return send(error: error, to: client, into: &actions)
        }
        pending[client.id.slot, default: []].append(parsed)
    }

    /// Targets are taken in order: unknown ones and those past the subscription limit
    /// are refused one by one; each accepted one is confirmed, and one snapshot covers
    /// every stock the accepted targets cover.
    func subscribe(
        _ client: PushClient, type: SubscriptionType, targets: [String], id: JSONValue?, now: PushTime,
        queueFull: QueueFull, into actions: inout [PushAction]
    ) {
        var accepted: [(key: SubscriptionKey, stocks: [String])] = []
        var changed = false
        let limit = configuration.maxSubscriptions
        for target in targets {
            let key = SubscriptionKey(type, target)
            guard let stocks = resolve(key) else {
                let message = "unknown \(type.rawValue) '\(target)'"
                send(
                    error: ProtocolError(code: .unknownTarget, message: message, id: id, target: target), to: client,
                    into: &actions)
                continue
            }
            if !client.subscriptions.contains(key) {
                guard client.subscriptions.count < limit else {
                    let message = "at most \(limit) subscriptions per connection"
                    send(
                        error: ProtocolError(code: .tooManySubscriptions, message: message, id: id, target: target),
                        to: client, into: &actions)
                    continue
                }
                client.subscriptions.append(key)
                changed = true
            }
            if id == nil {
                send(frame: snapshots.entry(for: key, stocks: stocks).subscribed, to: client, into: &actions)
            } else {
                send(text: ServerMessage.subscribed(key, stocks: stocks, id: id), to: client, into: &actions)
            }
            accepted.append((key, stocks))
        }
        if changed {
            leaveGroup(client)
            joinGroup(client)
            saveSession(of: client, into: &actions)
        }
        sendMarketStatus(for: accepted.map(\.key), to: client, now: now, into: &actions)
        sendSnapshot(of: accepted, to: client, now: now, queueFull: queueFull, into: &actions)
    }

    func unsubscribe(
        _ client: PushClient, type: SubscriptionType, targets: [String], id: JSONValue?, into actions: inout [PushAction]
    ) {
        var changed = false
        for target in targets {
            let key = SubscriptionKey(type, target)
            if let index = client.subscriptions.firstIndex(of: key) {
                client.subscriptions.remove(at: index)
                changed = true
            }
            // Unsubscribing from something not held is harmless: confirm it all the same.
            send(text: ServerMessage.unsubscribed(key, id: id), to: client, into: &actions)
        }
        guard changed else { return }
        leaveGroup(client)
        joinGroup(client)
        saveSession(of: client, into: &actions)
        if !client.heldBack.isEmpty {
            let covered = client.group?.covered ?? []
            client.heldBack = client.heldBack.filter { covered.contains($0) }
        }
    }
}
