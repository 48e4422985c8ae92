import Buffers
import Market
import PushProtocol

/// Price data outside a tick: snapshots, catch-ups after conflation, manual pushes.
/// Every path that queues price data goes through `deliver`, so every one of them
/// conflates while the client's queue is over the limit.
extension PushCore {
    /// The body of a price update of `fragments`, encoded once for every client that gets it.
    func body(of fragments: [QuoteFragment], snapshot: Bool, timestamp: Int64) -> SharedBytes {
        PriceUpdateBody.encode(snapshot: snapshot, timestamp: timestamp, fragments: fragments, writer: &writer)
    }

    /// The current board's fragments of `codes` in code order: the order of every
    /// message that is not a tick.
    func fragmentsInCodeOrder<Codes: Sequence<String>>(_ codes: Codes) -> [QuoteFragment] {
        Set(codes).sorted().compactMap { board.fragments[$0] }
    }

    /// One snapshot of every stock the accepted targets cover, each once, sorted.
    func sendSnapshot(
        of accepted: [(key: SubscriptionKey, stocks: [String])], to client: PushClient, now: PushTime,
        queueFull: QueueFull, into actions: inout [PushAction]
    ) {
        guard !accepted.isEmpty else { return }
        let codes = accepted.count == 1 ? accepted[0].stocks : accepted.flatMap(\.stocks)
        if queueFull(client.id) { return hold(codes, for: client, into: &actions) }
        let body: SharedBytes?
        if accepted.count == 1 {
            body = snapshotBody(for: accepted[0].key, stocks: accepted[0].stocks, now: now)
        } else {
            let fragments = fragmentsInCodeOrder(codes)
            body = fragments.isEmpty ? nil : self.body(of: fragments, snapshot: true, timestamp: now.wallMicros)
        }
        if let body { deliver(body, to: client, into: &actions) }
    }

    /// The encoded body of the key's snapshot (nil when it covers no quote). A burst of
    /// subscribers to one key in one loop iteration shares one encode: the body is
    /// reused while the board and the iteration are the same, so its timestamp is when
    /// the first of them was served, as a tick's is taken once for its whole fan-out.
    private func snapshotBody(for key: SubscriptionKey, stocks: [String], now: PushTime) -> SharedBytes? {
        let entry = snapshots.entry(for: key, stocks: stocks)
        if let cached = entry.body, cached.board === board, cached.iteration == now.monotonic { return cached.bytes }
        let fragments: [QuoteFragment]
        if let cached = entry.fragments, cached.board === board {
            fragments = cached.fragments
        } else {
            fragments = fragmentsInCodeOrder(stocks)
            entry.fragments = (board, fragments)
        }
        guard !fragments.isEmpty else { return nil }
        let bytes = body(of: fragments, snapshot: true, timestamp: now.wallMicros)
        entry.body = (board, now.monotonic, bytes)
        return bytes
    }

    /// A price update with the client's own head in front of a body it may share with
    /// others, as a tick's head is, so no body is encoded or copied per client.
    func deliver(_ plainBody: SharedBytes, to client: PushClient, into actions: inout [PushAction]) {
        client.seq += 1
        let seq = client.seq
        let body = client.compressed ? compressed(plainBody) : plainBody
        let size =
            client.compressed
            ? PriceUpdateHead.compressedSize(seq: seq, compressedBodyLength: body.count)
            : PriceUpdateHead.size(seq: seq, bodyLength: body.count)
        let head = SharedBytes(count: size) { target in
            if client.compressed {
                PriceUpdateHead.writeCompressed(seq: seq, compressedBodyLength: body.count, into: target)
            } else {
                PriceUpdateHead.write(seq: seq, bodyLength: body.count, into: target)
            }
        }
        countUpdate(client, bytes: head.count + body.count)
        actions.append(.sendUpdate(client.id, heads: head, offset: 0, count: head.count, body: body))
    }

    func countUpdate(_ client: PushClient, bytes: Int) {
        client.messagesSent += 1
        stats.messagesSent += 1
        stats.priceUpdates += 1
        stats.bytesSent += bytes
    }

    /// Conflation: remember which stocks changed; an older held-back value of the same
    /// stock is superseded (counted), and the newest go out once the queue drains.
    func hold<Codes: Sequence<String>>(_ codes: Codes, for client: PushClient, into actions: inout [PushAction]) {
        absorb(codes, into: client)
        guard !client.awaitingDrain else { return }
        client.awaitingDrain = true
        actions.append(.notifyWhenDrained(client.id))
    }

    /// Adds `codes` to what the client has held back, counting those it supersedes.
    func absorb<Codes: Sequence<String>>(_ codes: Codes, into client: PushClient) {
        var replaced = 0
        for code in codes where !client.heldBack.insert(code).inserted { replaced += 1 }
        client.conflated += replaced
        stats.conflated += replaced
    }

    /// The client's queue is back within the limit: what was held back goes out, with
    /// the newest prices, as one update.
    public func drained(_ id: ClientID, now: PushTime, into actions: inout [PushAction]) {
        guard let client = client(id) else { return }
        client.awaitingDrain = false
        sendHeldBack(client, now: now, into: &actions)
    }

    func sendHeldBack(_ client: PushClient, now: PushTime, into actions: inout [PushAction]) {
        guard !client.heldBack.isEmpty else { return }
        let fragments = fragmentsInCodeOrder(client.heldBack)
        client.heldBack.removeAll()
        guard !fragments.isEmpty else { return }
        deliver(body(of: fragments, snapshot: false, timestamp: now.wallMicros), to: client, into: &actions)
    }
}
