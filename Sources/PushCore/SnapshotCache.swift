import Buffers
import Market
import PushProtocol
import WebSocket

/// What a subscribe to one key reuses: connection storms subscribe thousands of
/// clients to the same few keys, and this spares each one the hashing, sorting and
/// JSON the first one paid for. Cleared on every catalog change.
struct SnapshotCache {
    private var entries: [SubscriptionKey: Entry] = [:]

    final class Entry {
        /// The whole `subscribed` text frame without an `id`, shared by every client.
        let subscribed: SharedBytes
        /// The snapshot's fragments and the board they were read from (held, so `===` is sound).
        var fragments: (board: QuoteBoard, fragments: [QuoteFragment])?
        /// The last snapshot body, its board and the time (loop iteration) it was encoded at.
        var body: (board: QuoteBoard, iteration: UInt64, bytes: SharedBytes)?

        init(subscribed: SharedBytes) {
            self.subscribed = subscribed
        }
    }

    mutating func entry(for key: SubscriptionKey, stocks: [String]) -> Entry {
        if let entry = entries[key] { return entry }
        let entry = Entry(
            subscribed: FrameEncoder.sharedFrame(opcode: .text, payload: ServerMessage.subscribed(key, stocks: stocks, id: nil)))
        entries[key] = entry
        return entry
    }

    mutating func removeAll() {
        entries.removeAll()
    }
}

@available(*, unavailable)
extension SnapshotCache.Entry: Sendable {}
