import Buffers
import Market
import PushProtocol

extension PushCore {
    /// The fan-out of one tick: one body per group with changes, one small head per
    /// client packed into one buffer per group. Two passes over a group's members
    /// (write heads, then emit them) keep nothing per client between ticks. A client
    /// whose queue is over the limit gets its stocks held back instead (conflation).
    /// Returns the clients the tick was queued for.
    @discardableResult
    public func publish(_ tick: TickUpdate, now: PushTime, queueFull: QueueFull, into actions: inout [PushAction]) -> Int {
        board = tick.board
        guard !tick.changed.isEmpty else { return 0 }
        publications += 1
        let publication = publications
        var codes: [String] = []
        var fragments: [QuoteFragment] = []
        var sent = 0
        var positions: [String: Int]?
        for group in groups.values {
            changedCodes(of: group, in: tick.changed, positions: &positions, into: &codes)
            if codes.isEmpty { continue }
            var body: SharedBytes?
            var compressedBody: SharedBytes?
            var codeSet: Set<String>?
            arena.clear()
            for client in group.members {
                if queueFull(client.id) {
                    hold(codes, for: client, into: &actions)
                    continue
                }
                if !client.heldBack.isEmpty {
                    // Caught up: if this tick's body already carries everything held
                    // back (the usual case), the shared body serves; else catch up alone.
                    if codeSet == nil { codeSet = Set(codes) }
                    guard client.heldBack.isSubset(of: codeSet!) else {
                        absorb(codes, into: client)
                        sendHeldBack(client, now: now, into: &actions)
                        continue
                    }
                    client.heldBack.removeAll()
                }
                if body == nil {
                    fragments.removeAll(keepingCapacity: true)
                    for code in codes { if let fragment = tick.board.fragments[code] { fragments.append(fragment) } }
                    body = PriceUpdateBody.encode(
                        snapshot: false, timestamp: tick.timestamp, fragments: fragments, writer: &writer)
                }
                client.seq += 1
                client.lastPublication = publication
                writeHead(for: client, body: body!, compressedBody: &compressedBody)
            }
            guard let body else { continue }
            sent += emitHeads(
                of: group, publication: publication, body: body, compressedBody: compressedBody, into: &actions)
        }
        guard sent > 0 else { return 0 }
        // After every message above: the tick's last write.
        actions.append(.tickQueued(startedAt: tick.startedAt))
        return sent
    }

    /// The tick's changed codes a group covers, in the tick's order. A group covering
    /// fewer stocks than changed walks its own set against the tick's positions (built
    /// once per tick, on first need) rather than testing every changed code: with ten
    /// strategies of 20 stocks and 200 changes, 20 lookups a group instead of 200.
    private func changedCodes(
        of group: SubscriptionGroup, in changed: [String], positions: inout [String: Int]?, into codes: inout [String]
    ) {
        codes.removeAll(keepingCapacity: true)
        guard group.covered.count < changed.count else {
            for code in changed where group.covered.contains(code) { codes.append(code) }
            return
        }
        if positions == nil {
            var table: [String: Int] = [:]
            table.reserveCapacity(changed.count)
            for (index, code) in changed.enumerated() { table[code] = index }
            positions = table
        }
        var found: [Int] = []
        found.reserveCapacity(group.covered.count)
        for code in group.covered { if let index = positions![code] { found.append(index) } }
        found.sort()
        for index in found { codes.append(changed[index]) }
    }

    /// The second pass: each member that got a head in this publication gets its slice of the
    /// group's head buffer in front of the shared body, all in one action; the members
    /// with permessage-deflate get theirs in front of the compressed body, in a second.
    private func emitHeads(
        of group: SubscriptionGroup, publication: Int64, body: SharedBytes, compressedBody: SharedBytes?,
        into actions: inout [PushAction]
    ) -> Int {
        var deliveries: [Delivery] = []
        var compressedDeliveries: [Delivery] = []
        deliveries.reserveCapacity(group.members.count)
        var offset = 0
        for client in group.members where client.lastPublication == publication {
            // The group's compressed body first: without one (no compressed member, the
            // usual case) the client's flag is not even read.
            if let compressedBody, client.compressed {
                let count = PriceUpdateHead.compressedSize(seq: client.seq, compressedBodyLength: compressedBody.count)
                compressedDeliveries.append(Delivery(client: client.id, offset: offset, count: count))
                countUpdate(client, bytes: count + compressedBody.count)
                offset += count
                continue
            }
            let count = PriceUpdateHead.size(seq: client.seq, bodyLength: body.count)
            deliveries.append(Delivery(client: client.id, offset: offset, count: count))
            countUpdate(client, bytes: count + body.count)
            offset += count
        }
        let heads = SharedBytes(arena)
        if !deliveries.isEmpty { actions.append(.sendUpdates(heads: heads, body: body, deliveries)) }
        if let compressedBody, !compressedDeliveries.isEmpty {
            actions.append(.sendUpdates(heads: heads, body: compressedBody, compressedDeliveries))
        }
        return deliveries.count + compressedDeliveries.count
    }
}
