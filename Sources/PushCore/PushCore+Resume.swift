import JSON
import Market
import PushProtocol

/// Session resume: a client that reconnects presents the token of its last `connected`
/// and gets its subscriptions back without sending them, one snapshot of what it missed,
/// and `seq` continuing where it left off. The record lives outside the core (Redis, so
/// any instance can restore it): the core asks the shell to load it (`loadSession`) and
/// restores what comes back (`resumeLoaded`); it asks for a write whenever a client's
/// subscriptions change and when it leaves (`saveSession`).
extension PushCore {
    /// The record of a client now.
    func sessionRecord(of client: PushClient) -> SessionRecord {
        SessionRecord(
            user: client.info.user, subscriptions: client.subscriptions, seq: client.seq,
            instance: configuration.instanceID, notifications: client.notifications)
    }

    /// After a change of the client's subscriptions (no-op without a token).
    func saveSession(of client: PushClient, into actions: inout [PushAction]) {
        guard let token = client.info.resumeToken else { return }
        client.sessionSaved = true
        actions.append(.saveSession(token, sessionRecord(of: client), final: false))
    }

    /// The write that ends a session, with its last `seq`: for the shell to carry out
    /// before it releases a client that left. Nil when no record was ever written (a
    /// client that never subscribed has nothing to resume).
    public func finalSessionSave(of id: ClientID) -> PushAction? {
        guard let client = client(id), client.sessionSaved, let token = client.info.resumeToken else { return nil }
        return .saveSession(token, sessionRecord(of: client), final: true)
    }

    /// A `resume`: checked here, looked up by the shell. It may come at any time; what it
    /// restores is added to what the connection holds (as a subscribe would add it).
    func resume(
        _ client: PushClient, token text: String, lastSeq: UInt64?, id: JSONValue?, into actions: inout [PushAction]
    ) {
        guard client.info.resumeToken != nil else {
            let error = ProtocolError(
                code: .resumeUnavailable, message: "this server keeps no sessions; subscribe instead", id: id)
            return send(error: error, to: client, into: &actions)
        }
        // Before the catalog nothing can be restored; the record stays for a retry.
        guard catalogLoaded else {
            let error = ProtocolError(
                code: .notReady, message: "the server is still loading its catalog; retry in a moment", id: id)
            return send(error: error, to: client, into: &actions)
        }
        // A token the server never wrote names no record: refused without a lookup.
        guard let token = ResumeToken(text) else {
            stats.resumesFailed += 1
            return send(error: Self.resumeFailed(id: id), to: client, into: &actions)
        }
        let request = ResumeRequest(token: token, user: client.info.user, lastSeq: lastSeq, id: id)
        actions.append(.loadSession(client.id, request))
    }

    static func resumeFailed(id: JSONValue?) -> ProtocolError {
        ProtocolError(
            code: .resumeFailed, message: "no session for this token (expired, already used, or never issued); subscribe instead",
            id: id)
    }

    /// The store's answer to a `loadSession`. On a record: `resumed`, the markets' status,
    /// one snapshot of every restored stock, and a record under the connection's own token.
    public func resumeLoaded(
        _ id: ClientID, _ request: ResumeRequest, _ lookup: SessionLookup, now: PushTime, queueFull: QueueFull,
        into actions: inout [PushAction]
    ) {
        guard let client = client(id) else { return }
        let record: SessionRecord
        switch lookup {
        case .found(let found) where found.user == client.info.user:
            record = found
        case .found, .missing:
            stats.resumesFailed += 1
            return send(error: Self.resumeFailed(id: request.id), to: client, into: &actions)
        case .unavailable:
            stats.resumesFailed += 1
            let error = ProtocolError(
                code: .resumeUnavailable, message: "sessions cannot be read right now; retry, or subscribe instead",
                id: request.id)
            return send(error: error, to: client, into: &actions)
        }
        stats.resumesSucceeded += 1
        let (accepted, dropped) = restore(record.subscriptions, to: client)
        // Continuity: the snapshot after `resumed` carries the next number after anything
        // the client saw, on this connection or the last.
        client.seq = max(client.seq, request.lastSeq ?? 0, record.seq)
        let reply = ServerMessage.resumed(
            subscriptions: client.subscriptions, dropped: dropped, seq: client.seq, id: request.id)
        send(text: reply, to: client, into: &actions)
        // The shell answers `subscribed` (notifications) and delivers what is queued for the user.
        let restoresNotifications = record.notifications && !client.notifications
        if restoresNotifications { client.notifications = true }
        // Written even when nothing was restored, so the new token works as well as the old.
        saveSession(of: client, into: &actions)
        if restoresNotifications { actions.append(.notifications(client.id, subscribe: true, id: nil)) }
        sendMarketStatus(for: accepted.map(\.key), to: client, now: now, into: &actions)
        sendSnapshot(of: accepted, to: client, now: now, queueFull: queueFull, into: &actions)
    }

    /// Adds the record's targets as a subscribe would (held ones once, unknown ones and
    /// those past the limit dropped), without a reply per target.
    private func restore(
        _ keys: [SubscriptionKey], to client: PushClient
    ) -> (accepted: [(key: SubscriptionKey, stocks: [String])], dropped: [SubscriptionKey]) {
        var accepted: [(key: SubscriptionKey, stocks: [String])] = []
        var dropped: [SubscriptionKey] = []
        var changed = false
        for key in keys {
            guard let stocks = resolve(key) else {
                dropped.append(key)
                continue
            }
            if !client.subscriptions.contains(key) {
                guard client.subscriptions.count < configuration.maxSubscriptions else {
                    dropped.append(key)
                    continue
                }
                client.subscriptions.append(key)
                changed = true
            }
            accepted.append((key, stocks))
        }
        if changed {
            leaveGroup(client)
            joinGroup(client)
        }
        return (accepted, dropped)
    }
}
