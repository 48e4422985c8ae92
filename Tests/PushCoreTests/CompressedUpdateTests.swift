import Buffers
import Deflate
import PushCore
import Testing

/// Price updates to permessage-deflate clients: the group's body compressed once, each
/// client's head a stored block in front of it; inflated, the same JSON a plain client gets.
@Suite struct CompressedUpdateTests {
    /// The price-update frames the actions send to `client`: (whole head + body bytes, body).
    func updateFrames(_ actions: [PushAction], to client: ClientID) -> [(frame: [UInt8], body: SharedBytes)] {
        actions.flatMap(\.perClient).compactMap { action in
            guard case .sendUpdate(let id, let heads, let offset, let count, let body) = action, id == client else { return nil }
            return ([UInt8](heads.bytes[offset..<(offset + count)]) + body.array, body)
        }
    }

    func inflate(_ frame: [UInt8], with inflater: MessageInflater) throws -> [UInt8] {
        #expect(frame[0] == 0xC1, "FIN, RSV1, text")
        var json: [UInt8] = []
        try payload(of: frame).withUnsafeBytes { try inflater.inflate($0, into: &json, limit: 1 << 20) }
        try inflater.finishMessage(into: &json, limit: 1 << 20)
        return json
    }

    @Test func compressedClientsReadTheSameJSONFromOneSharedCompressedBody() throws {
        let harness = CoreHarness()
        let plain = harness.open()
        let first = harness.open(compressed: true)
        let second = harness.open(compressed: true)
        // One inflater per client for the whole test: context takeover across messages.
        let inflaters = [MessageInflater(windowBits: 15), MessageInflater(windowBits: 9)]
        var rounds: [[PushAction]] = []
        for client in [plain, first, second] {
            rounds.append(harness.send(client, #"{"type":"subscribe","subscription_type":"market","target":"SH"}"#))
        }
        // Each got its snapshot in its own round; the ticks reach all three at once.
        var plainFrames = updateFrames(rounds[0], to: plain).map(\.frame)
        var compressedFrames = [
            updateFrames(rounds[1], to: first).map(\.frame), updateFrames(rounds[2], to: second).map(\.frame),
        ]
        for price in [1501.0, 1502, 1503] {
            let tick = harness.publish(["600519": price, "601318": price / 30])
            plainFrames += updateFrames(tick, to: plain).map(\.frame)
            let received = [updateFrames(tick, to: first), updateFrames(tick, to: second)]
            #expect(received[0].count == 1 && received[1].count == 1)
            #expect(received[0][0].body === received[1][0].body, "one compressed body for the group")
            #expect(updateFrames(tick, to: plain)[0].body !== received[0][0].body)
            for index in 0..<2 { compressedFrames[index] += received[index].map(\.frame) }
        }
        #expect(plainFrames.count == 4)
        for (index, frames) in compressedFrames.enumerated() {
            let inflated = try frames.map { try inflate($0, with: inflaters[index]) }
            #expect(inflated == plainFrames.map { payload(of: $0) })
            // Smaller on the wire than the plain frames.
            #expect(frames.map(\.count).reduce(0, +) < plainFrames.map(\.count).reduce(0, +))
        }
    }

    /// A connection storm subscribes its clients to several keys in turn: each key's
    /// snapshot body is still compressed once, not once per client.
    @Test func snapshotsOfKeysSubscribedInTurnAreCompressedOncePerKey() {
        let harness = CoreHarness()
        var bodies: [String: [SharedBytes]] = [:]
        for round in 0..<3 {
            for target in ["SH", "HK"] {
                let client = harness.open(compressed: true)
                let actions = harness.send(
                    client, #"{"type":"subscribe","subscription_type":"market","target":""# + target + #""}"#)
                bodies[target, default: []] += updateFrames(actions, to: client).map(\.body)
            }
        }
        for target in ["SH", "HK"] {
            let snapshots = bodies[target] ?? []
            #expect(snapshots.count == 3)
            #expect(snapshots.allSatisfy { $0 === snapshots[0] }, "one compression for \(target)'s snapshot")
        }
        #expect(bodies["SH"]![0] !== bodies["HK"]![0])
    }
}
