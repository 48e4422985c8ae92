import Buffers
import JSON
import Market
import PushProtocol
import Reactor
import Server
import Telemetry
import Time
import WebSocket

/// The price stream's state on one event loop: its sessions, their subscription
/// groups, and the fan-out of each tick. Runs only on its loop, so nothing here
/// takes a lock; ticks, catalog changes and admin requests arrive as loop jobs.
final class LoopPush {
    struct Stats {
        var messagesSent = 0
        var bytesSent = 0
        var priceUpdates = 0
        var connectionsOpened = 0
        /// Messages sent per second, measured over the last full second.
        var messagesLastSecond = 0
        var messagesAtLastSample = 0
    }

    let loop: EventLoop
    let shared: PushShared
    private(set) var catalog: Catalog
    private(set) var board: QuoteBoard
    /// Every session on this loop, unordered (removal swaps in the last). An array, not
    /// a dictionary by client id: 8 bytes a connection instead of ~50, and only the
    /// rare admin disconnect looks a session up by id.
    private(set) var sessions: [PriceSession] = []
    private var groups: [[SubscriptionKey]: SubscriptionGroup] = [:]
    /// Resolved keys under the current catalog (cleared on each catalog change).
    private var coverage: [SubscriptionKey: [String]] = [:]
    /// Per key, what a new subscriber gets: the `subscribed` reply without an `id`
    /// (most clients send none) and the snapshot's fragments under the current board.
    /// Connection storms subscribe thousands of clients to the same few keys; this
    /// spares each one the hashing, sorting and JSON the first one paid for.
    private var subscribeCache: [SubscriptionKey: SubscribeCacheEntry] = [:]
    var stats = Stats()
    private var writer = JSONWriter()
    private var arena = ByteBuffer(capacity: 4096)

    init(loop: EventLoop, shared: PushShared) {
        self.loop = loop
        self.shared = shared
        catalog = shared.catalog
        board = shared.board
        scheduleRateSample()
    }

    private func scheduleRateSample() {
        // Unowned, not weak: a weak reference would give LoopPush a side table and slow
        // every retain of it on the fan-out path; it lives as long as its loop.
        loop.schedule(afterNanoseconds: 1_000_000_000) { [unowned self] in
            self.stats.messagesLastSecond = self.stats.messagesSent - self.stats.messagesAtLastSample
            self.stats.messagesAtLastSample = self.stats.messagesSent
            self.scheduleRateSample()
        }
    }

    // MARK: sessions

    func register(_ session: PriceSession) {
        session.registryIndex = sessions.count
        sessions.append(session)
        stats.connectionsOpened += 1
    }

    func unregister(_ session: PriceSession) {
        leaveGroup(session)
        let index = session.registryIndex
        guard index >= 0, index < sessions.count, sessions[index] === session else { return }
        let last = sessions.removeLast()
        if index < sessions.count {
            sessions[index] = last
            last.registryIndex = index
        }
        session.registryIndex = -1
    }

    /// Stocks a key covers now; nil for a target the catalog does not know.
    private func resolve(_ key: SubscriptionKey) -> [String]? {
        if let cached = coverage[key] { return cached }
        guard let codes = try? catalog.resolve(key) else { return nil }
        coverage[key] = codes
        return codes
    }

    private func leaveGroup(_ session: PriceSession) {
        guard let group = session.group else { return }
        let index = session.groupIndex
        let last = group.members.removeLast()
        if index < group.members.count {
            group.members[index] = last
            last.groupIndex = index
        }
        session.group = nil
        session.groupIndex = -1
        if group.members.isEmpty { groups[group.signature] = nil }
    }

    private func joinGroup(_ session: PriceSession) {
        guard !session.subscriptions.isEmpty else { return }
        let signature = SubscriptionGroup.signature(of: session.subscriptions)
        let group: SubscriptionGroup
        if let existing = groups[signature] {
            group = existing
        } else {
            group = SubscriptionGroup(signature: signature, keys: session.subscriptions)
            group.covered = Set(session.subscriptions.flatMap { resolve($0) ?? [] })
            groups[signature] = group
        }
        // Same keys in the same order (the usual case): share the group's array storage
        // instead of each session keeping its own copy (~64 bytes a connection).
        if group.keys == session.subscriptions { session.subscriptions = group.keys }
        session.group = group
        session.groupIndex = group.members.count
        group.members.append(session)
    }

    // MARK: requests

    func subscribe(_ session: PriceSession, type: SubscriptionType, targets: [String], id: JSONValue?) {
        var accepted: [(key: SubscriptionKey, stocks: [String])] = []
        var changed = false
        for target in targets {
            let key = SubscriptionKey(type, target)
            guard let stocks = resolve(key) else {
                session.sendError(
                    ProtocolError(code: .unknownTarget, message: "unknown \(type.rawValue) '\(target)'", id: id, target: target))
                continue
            }
            if !session.subscriptions.contains(key) {
                guard session.subscriptions.count < shared.configuration.maxSubscriptions else {
                    session.sendError(
                        ProtocolError(
                            code: .tooManySubscriptions,
                            message: "at most \(shared.configuration.maxSubscriptions) subscriptions per connection", id: id,
                            target: target))
                    continue
                }
                session.subscriptions.append(key)
                changed = true
            }
            if id == nil {
                session.send(frame: cacheEntry(for: key, stocks: stocks).subscribed)
            } else {
                session.send(ServerMessage.subscribed(key, stocks: stocks, id: id))
            }
            accepted.append((key, stocks))
        }
        if changed {
            leaveGroup(session)
            joinGroup(session)
        }
        // One snapshot for every stock the accepted targets cover, each once, sorted.
        if accepted.count == 1 {
            if let body = snapshotBody(for: accepted[0].key, stocks: accepted[0].stocks) {
                sendPrivate(session, body: body)
            }
        } else {
            let fragments = fragmentsInCodeOrder(Set(accepted.flatMap(\.stocks)))
            if !fragments.isEmpty {
                sendPrivate(
                    session, body: body(of: fragments, snapshot: true, timestamp: WallClock.nowMicroseconds()))
            }
        }
    }

    private func cacheEntry(for key: SubscriptionKey, stocks: [String]) -> SubscribeCacheEntry {
        if let entry = subscribeCache[key] { return entry }
        let entry = SubscribeCacheEntry(
            subscribed: FrameEncoder.sharedFrame(opcode: .text, payload: ServerMessage.subscribed(key, stocks: stocks, id: nil)))
        subscribeCache[key] = entry
        return entry
    }

    /// The encoded body of the key's snapshot (nil when it covers no quote). A burst of
    /// subscribers to one key in one loop iteration shares one encode: the body is
    /// reused while the board and the iteration are the same, so its timestamp is when
    /// the first of them was served, as a tick's is taken once for its whole fan-out.
    private func snapshotBody(for key: SubscriptionKey, stocks: [String]) -> SharedBytes? {
        let entry = cacheEntry(for: key, stocks: stocks)
        if let cached = entry.snapshotBody, cached.board === board, cached.iteration == loop.now { return cached.bytes }
        let fragments = snapshotFragments(entry, stocks: stocks)
        guard !fragments.isEmpty else { return nil }
        let bytes = body(of: fragments, snapshot: true, timestamp: WallClock.nowMicroseconds())
        entry.snapshotBody = (board, loop.now, bytes)
        return bytes
    }

    /// The current board's fragments of `codes` in code order: the order of every
    /// message that is not a tick (snapshots, catch-ups, manual pushes).
    private func fragmentsInCodeOrder(_ codes: Set<String>) -> [QuoteFragment] {
        codes.sorted().compactMap { board.fragments[$0] }
    }

    func unsubscribe(_ session: PriceSession, type: SubscriptionType, targets: [String], id: JSONValue?) {
        var changed = false
        for target in targets {
            let key = SubscriptionKey(type, target)
            if let index = session.subscriptions.firstIndex(of: key) {
                session.subscriptions.remove(at: index)
                changed = true
            }
            // Unsubscribing from something not held is harmless: confirm it all the same.
            session.send(ServerMessage.unsubscribed(key, id: id))
        }
        if changed {
            leaveGroup(session)
            joinGroup(session)
            dropHeldBackOutsideSubscriptions(session)
        }
    }

    func unsubscribeAll(_ session: PriceSession, id: JSONValue?) {
        let count = session.subscriptions.count
        leaveGroup(session)
        session.subscriptions = []
        session.heldBack.removeAll()
        session.send(ServerMessage.unsubscribedAll(count: count, id: id))
    }

    private func dropHeldBackOutsideSubscriptions(_ session: PriceSession) {
        guard !session.heldBack.isEmpty else { return }
        let covered = session.group?.covered ?? []
        session.heldBack = session.heldBack.filter { covered.contains($0) }
    }

    // MARK: sending

    /// The body of a price update of `fragments`, encoded once for every client that
    /// gets it.
    private func body(of fragments: [QuoteFragment], snapshot: Bool, timestamp: Int64) -> SharedBytes {
        PriceUpdateBody.write(snapshot: snapshot, timestamp: timestamp, fragments: fragments, writer: &writer)
        return SharedBytes(writer.buffer)
    }

    /// The key's stocks in the snapshot's order (sorted, each once) with their
    /// fragments on the current board; rebuilt when the board or catalog changes.
    private func snapshotFragments(_ entry: SubscribeCacheEntry, stocks: [String]) -> [QuoteFragment] {
        if let cached = entry.snapshot, cached.board === board { return cached.fragments }
        let fragments = fragmentsInCodeOrder(Set(stocks))
        entry.snapshot = (board, fragments)
        return fragments
    }

    /// A price update outside the tick (snapshot, catch-up after conflation, manual
    /// push): the client's own head queued in front of a body it may share with others
    /// (a burst of subscribers to one key, a group reached by one push), as a tick's
    /// head is, so no body is encoded or copied per client.
    private func sendPrivate(_ session: PriceSession, body: SharedBytes) {
        guard let connection = session.connection, connection.isWebSocketOpen else { return }
        session.seq += 1
        let seq = session.seq
        let head = SharedBytes(count: PriceUpdateHead.size(seq: seq, bodyLength: body.count)) { target in
            PriceUpdateHead.write(seq: seq, bodyLength: body.count, into: target)
        }
        connection.send(head: head, offset: 0, count: head.count, body: body)
        stats.messagesSent += 1
        stats.priceUpdates += 1
        stats.bytesSent += head.count + body.count
    }

    /// Sends what was held back while the client was slow, with the newest prices.
    func sendHeldBack(_ session: PriceSession) {
        guard !session.heldBack.isEmpty else { return }
        let fragments = fragmentsInCodeOrder(session.heldBack)
        session.heldBack.removeAll()
        guard !fragments.isEmpty else { return }
        sendPrivate(session, body: body(of: fragments, snapshot: false, timestamp: WallClock.nowMicroseconds()))
    }

    /// The fan-out of one tick: one body per group with changes, one small head per
    /// client packed into one buffer per group, one writev per client before the loop
    /// sleeps. Two passes over a group's members (write heads, then queue them) keep
    /// nothing per client between ticks.
    func publish(_ tick: TickUpdate) {
        board = tick.board
        guard !tick.changed.isEmpty else { return }
        let limit = shared.configuration.maxQueuedBytes
        var codes: [String] = []
        var fragments: [QuoteFragment] = []
        var sent = 0
        for group in groups.values {
            codes.removeAll(keepingCapacity: true)
            for code in tick.changed where group.covered.contains(code) { codes.append(code) }
            if codes.isEmpty { continue }
            var body: SharedBytes?
            var codeSet: Set<String>?
            arena.clear()
            for session in group.members {
                guard let connection = session.connection, connection.isWebSocketOpen else { continue }
                if connection.queuedBytes > limit {
                    hold(codes, for: session, connection: connection, limit: limit)
                    continue
                }
                if !session.heldBack.isEmpty {
                    // Caught up: if this tick's body already carries everything held
                    // back (the usual case), the shared body serves; else catch up alone.
                    if codeSet == nil { codeSet = Set(codes) }
                    guard session.heldBack.isSubset(of: codeSet!) else {
                        hold(codes, for: session, connection: connection, limit: limit)
                        continue
                    }
                    session.heldBack.removeAll()
                }
                if body == nil {
                    fragments.removeAll(keepingCapacity: true)
                    for code in codes { if let fragment = tick.board.fragments[code] { fragments.append(fragment) } }
                    writer.reset()
                    body = PriceUpdateBody.encode(
                        snapshot: false, timestamp: tick.timestamp, fragments: fragments, writer: &writer)
                }
                session.seq += 1
                session.lastTick = tick.tick
                PriceUpdateHead.write(seq: session.seq, bodyLength: body!.count, into: &arena)
            }
            guard let body else { continue }
            let heads = SharedBytes(arena)
            var offset = 0
            for session in group.members where session.lastTick == tick.tick {
                guard let connection = session.connection else { continue }
                let count = PriceUpdateHead.size(seq: session.seq, bodyLength: body.count)
                connection.send(head: heads, offset: offset, count: count, body: body)
                offset += count
                sent += 1
                stats.bytesSent += count + body.count
            }
        }
        guard sent > 0 else { return }
        stats.messagesSent += sent
        stats.priceUpdates += sent
        // Runs after every connection scheduled above has written: the tick's last write.
        loop.scheduleFlush(LatencyMarker(startedAt: tick.startedAt, histogram: shared.metrics.publishLatency))
    }

    /// Conflation: remember which stocks changed; older held-back values of the same
    /// stock are superseded (counted), and the newest go out once the queue drains.
    private func hold(_ codes: [String], for session: PriceSession, connection: Connection, limit: Int) {
        var replaced = 0
        for code in codes where !session.heldBack.insert(code).inserted { replaced += 1 }
        if replaced > 0 {
            session.conflated += replaced
            shared.metrics.conflated.add(replaced)
        }
        if connection.queuedBytes <= limit {
            sendHeldBack(session)
        } else {
            connection.notifyWhenQueueBelow(limit)
        }
    }

    // MARK: catalog

    func catalogChanged(_ catalog: Catalog) {
        self.catalog = catalog
        coverage.removeAll()
        subscribeCache.removeAll()
        for group in groups.values {
            group.covered = Set(group.keys.flatMap { resolve($0) ?? [] })
        }
    }

    // MARK: admin

    /// A manual push: each client whose subscriptions cover any of `codes` gets those it
    /// covers, as a snapshot with the shared `timestamp`. Returns the clients reached.
    func push(codes: Set<String>, timestamp: Int64) -> Int {
        var reached = 0
        for group in groups.values {
            let fragments = fragmentsInCodeOrder(codes.filter { group.covered.contains($0) })
            if fragments.isEmpty { continue }
            let shared = body(of: fragments, snapshot: true, timestamp: timestamp)
            for session in group.members {
                sendPrivate(session, body: shared)
                reached += 1
            }
        }
        return reached
    }

    func broadcast(_ json: [UInt8]) -> Int {
        var sent = 0
        let frame = json.withUnsafeBytes { FrameEncoder.sharedFrame(opcode: .text, payload: $0) }
        for session in sessions {
            guard let connection = session.connection, connection.isWebSocketOpen else { continue }
            connection.send(frame: frame)
            stats.messagesSent += 1
            stats.bytesSent += frame.count
            sent += 1
        }
        return sent
    }

    func disconnect(clientID: String) -> Bool {
        guard let session = sessions.first(where: { $0.clientID == clientID }), let connection = session.connection else {
            return false
        }
        connection.close(code: .policyViolation, reason: "disconnected by admin")
        return true
    }

    /// Subscription counts per key on this loop.
    var subscriptionCounts: [String: Int] {
        var counts: [String: Int] = [:]
        for session in sessions {
            for key in session.subscriptions { counts[key.description, default: 0] += 1 }
        }
        return counts
    }
}

@available(*, unavailable)
extension LoopPush: Sendable {}

/// Records the tick's publish latency when the loop's flushes reach it.
final class LatencyMarker: Flushable {
    let startedAt: UInt64
    let histogram: Histogram

    init(startedAt: UInt64, histogram: Histogram) {
        self.startedAt = startedAt
        self.histogram = histogram
    }

    func flush() {
        histogram.observe(Double(MonotonicClock.now() &- startedAt) / 1e9)
    }
}

/// What `LoopPush.subscribe` reuses for one key (see `subscribeCache`).
private final class SubscribeCacheEntry {
    /// The whole text frame, shared by every client that gets it.
    let subscribed: SharedBytes
    /// The snapshot fragments and the board they were read from (held, so `===` is sound).
    var snapshot: (board: QuoteBoard, fragments: [QuoteFragment])?
    /// The last snapshot body, its board and the loop iteration (`EventLoop.now`) it was
    /// encoded in.
    var snapshotBody: (board: QuoteBoard, iteration: UInt64, bytes: SharedBytes)?

    init(subscribed: SharedBytes) {
        self.subscribed = subscribed
    }
}
