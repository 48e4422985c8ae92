import Buffers
import Deflate
import JSON
import Market
import PushProtocol
import WebSocket

/// The price stream of one event loop as a pure state machine: the subscription
/// registry and groups, per-client `seq`, the fan-out of ticks, snapshots, conflation
/// and catch-up, and the selection behind admin pushes, broadcasts and disconnects.
///
/// Inputs come with the time passed in; outputs are `PushAction`s appended to an array
/// the shell owns and carries out (it reuses the array, so a tick allocates no action
/// storage). The core never touches a socket or a clock. Where it must know whether a
/// client's queue is over the limit it asks the `queueFull` closure the shell passes in.
public final class PushCore {
    public let configuration: PushCoreConfiguration
    public internal(set) var catalog: Catalog
    public internal(set) var board: QuoteBoard
    /// False until the first catalog arrives (`Catalog.empty` is "none yet"); subscribes
    /// wait for it.
    public var catalogLoaded: Bool { catalog.isLoaded }
    public internal(set) var stats = PushStats()

    /// Clients by slot (nil: free); freed slots are reused. Admin queries walk it.
    var slots: [PushClient?] = []
    public private(set) var clientCount = 0
    /// Subscribes that arrived before the catalog was loaded, by slot (rare, so kept
    /// here rather than in every client's record).
    var pending: [Int: [ParsedRequest]] = [:]
    var freeSlots: [Int] = []
    var groups: [[SubscriptionKey]: SubscriptionGroup] = [:]
    /// Resolved keys under the current catalog (cleared on each catalog change).
    var coverage: [SubscriptionKey: [String]] = [:]
    var snapshots = SnapshotCache()
    /// Each market's state as of the last `marketsTick` (so as last announced: status and
    /// `since` only move at a change, which the tick announces); empty until the first tick.
    public internal(set) var marketStates: [String: MarketState] = [:]
    var writer = JSONWriter()
    /// Counts `publish` calls: marks who got a head in this one. Not the tick number,
    /// which a resync or a staleness change hands over again.
    var publications: Int64 = 0
    var arena = ByteBuffer(capacity: 4096)
    /// Compresses price-update bodies for permessage-deflate clients; made when the first
    /// one needs it (`PushCore+Compression`).
    var bodyDeflater: MessageDeflater?
    /// The last bodies compressed and their compressed bytes, so the clients of one body
    /// (a group in a tick, a burst of snapshot subscribers) share one compression: a few,
    /// because a connection storm subscribes its clients to several keys in turn.
    var compressedBodies: [(source: SharedBytes, compressed: SharedBytes)] = []

    public init(configuration: PushCoreConfiguration, catalog: Catalog, board: QuoteBoard) {
        self.configuration = configuration
        self.catalog = catalog
        self.board = board
    }

    /// Closes a one-second window of the messages-per-second figure (called every second).
    public func sampleSecond() {
        stats.sampleSecond()
    }

    // MARK: clients

    /// A client completed its handshake: registers it and queues the `connected` greeting.
    /// `compressed`: the connection agreed permessage-deflate, so its price updates are
    /// built compressed.
    public func open(
        _ info: ClientInfo, compressed: Bool = false, now: PushTime, into actions: inout [PushAction]
    )
        -> ClientID
    {
        let slot = freeSlots.popLast() ?? slots.count
        let id = ClientID(slot: slot)
        let guardian = FloodGuard(
            ratePerSecond: configuration.rateLimit, burst: configuration.rateBurst,
            floodCloseAfterSeconds: configuration.floodCloseAfterSeconds)
        let client = PushClient(id: id, info: info, floodGuard: guardian)
        client.compressed = compressed
        if slot == slots.count { slots.append(client) } else { slots[slot] = client }
        clientCount += 1
        stats.connectionsOpened += 1
        let frame = ServerMessage.connectedFrame(
            clientID: info.clientID, heartbeatInterval: max(1, configuration.heartbeatInterval), timestamp: now.wallMicros,
            resumeToken: info.resumeToken)
        send(frame: frame, to: client, into: &actions)
        return id
    }

    /// The client is gone (or closing): it leaves every group and list at once, and its
    /// slot may go to the next client. Unknown or already released ids are ignored.
    public func release(_ id: ClientID) {
        guard let client = client(id) else { return }
        leaveGroup(client)
        slots[id.slot] = nil
        pending[id.slot] = nil
        clientCount -= 1
        // Reused last-freed first: the table never grows past the most clients at once.
        freeSlots.append(id.slot)
    }

    /// Releases a client the core itself closes, and tells the shell so.
    func forget(_ client: PushClient, into actions: inout [PushAction]) {
        if let save = finalSessionSave(of: client.id) { actions.append(save) }
        release(client.id)
        actions.append(.forget(client.id, client.info, messages: client.messagesSent))
    }

    func client(_ id: ClientID) -> PushClient? {
        id.slot >= 0 && id.slot < slots.count ? slots[id.slot] : nil
    }

    /// The server is shutting down: a last `server_shutdown` before the close 1001.
    public func shuttingDown(_ id: ClientID, reconnectAfterMs: Int, now: PushTime, into actions: inout [PushAction]) {
        guard let client = client(id) else { return }
        send(
            text: ServerMessage.serverShutdown(reconnectAfterMs: reconnectAfterMs, timestamp: now.wallMicros), to: client,
            into: &actions)
    }

    // MARK: catalog and board

    /// A new catalog: coverage is resolved again, subscribers whose targets changed are
    /// told (`announceCoverageChanges`), and subscribes that waited for the first one are
    /// answered now, in the order they came.
    public func catalogChanged(
        _ catalog: Catalog, now: PushTime, queueFull: QueueFull = { _ in false }, into actions: inout [PushAction]
    ) {
        let wasLoaded = catalogLoaded
        self.catalog = catalog
        // Every key a group holds was resolved when it joined or at the last change.
        let old = coverage
        coverage.removeAll()
        snapshots.removeAll()
        for group in groups.values {
            group.covered = Set(group.keys.flatMap { resolve($0) ?? [] })
        }
        guard !wasLoaded else {
            return announceCoverageChanges(from: old, now: now, queueFull: queueFull, into: &actions)
        }
        let waiting = pending
        pending = [:]
        for (slot, requests) in waiting.sorted(by: { $0.key < $1.key }) {
            guard let client = slots[slot] else { continue }
            for request in requests { handle(request, from: client, now: now, into: &actions) }
        }
    }

    /// Stocks a key covers now; nil for a target the catalog does not know.
    func resolve(_ key: SubscriptionKey) -> [String]? {
        if let cached = coverage[key] { return cached }
        guard let codes = try? catalog.resolve(key) else { return nil }
        coverage[key] = codes
        return codes
    }

    // MARK: groups

    func leaveGroup(_ client: PushClient) {
        guard let group = client.group else { return }
        // O(1): the last member takes the leaver's place.
        let last = group.members.removeLast()
        if client.groupIndex < group.members.count {
            group.members[client.groupIndex] = last
            last.groupIndex = client.groupIndex
        }
        client.groupIndex = -1
        client.group = nil
        if group.members.isEmpty { groups[group.signature] = nil }
    }

    func joinGroup(_ client: PushClient) {
        guard !client.subscriptions.isEmpty else { return }
        let signature = SubscriptionGroup.signature(of: client.subscriptions)
        let group: SubscriptionGroup
        if let existing = groups[signature] {
            group = existing
        } else {
            group = SubscriptionGroup(signature: signature, keys: client.subscriptions)
            group.covered = Set(client.subscriptions.flatMap { resolve($0) ?? [] })
            groups[signature] = group
        }
        // Same keys in the same order (the usual case): share the group's array storage
        // instead of each client keeping its own copy (~64 bytes a connection).
        if group.keys == client.subscriptions { client.subscriptions = group.keys }
        client.group = group
        client.groupIndex = group.members.count
        group.members.append(client)
    }

    // MARK: emitting

    func send(frame: SharedBytes, to client: PushClient, into actions: inout [PushAction]) {
        client.messagesSent += 1
        stats.messagesSent += 1
        stats.bytesSent += frame.count
        actions.append(.sendFrame(client.id, frame))
    }

    func send(text json: [UInt8], to client: PushClient, into actions: inout [PushAction]) {
        client.messagesSent += 1
        stats.messagesSent += 1
        stats.bytesSent += FrameEncoder.headerSize(payloadCount: json.count, masked: false) + json.count
        actions.append(.sendText(client.id, json))
    }

    func send(error: ProtocolError, to client: PushClient, into actions: inout [PushAction]) {
        stats.errors[error.code.rawValue, default: 0] += 1
        send(text: ServerMessage.error(error), to: client, into: &actions)
    }
}

@available(*, unavailable)
extension PushCore: Sendable {}
