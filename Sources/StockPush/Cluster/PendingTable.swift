/// The admin requests this instance asked the cluster and is still waiting on: who is
/// expected to answer, what has come back, and when to stop waiting. Pure (times are
/// passed in), so the deadline logic is tested with a manual clock; `ClusterBus` holds
/// it under a lock.
///
/// One reply per instance counts: a repeated reply (a retried publish, a duplicate
/// subscription) is ignored, so no client or count is ever added twice.
struct PendingTable<Reply, Waiter> {
    struct Completed {
        let requestID: String
        let waiter: Waiter
        /// One per instance that answered, ordered by instance id.
        let replies: [(instance: String, reply: Reply)]
        /// Expected instances that did not answer before the deadline, ordered.
        let missing: [String]
    }

    private struct Entry {
        var expected: Set<String>
        var replies: [String: Reply] = [:]
        let deadline: UInt64
        let waiter: Waiter
    }

    private var entries: [String: Entry] = [:]

    init() {}

    var count: Int { entries.count }

    /// Starts waiting for `expected` until `deadline` (any monotonic unit). With nobody
    /// expected the request is complete at once (the caller gets it back).
    mutating func add(requestID: String, expected: Set<String>, deadline: UInt64, waiter: Waiter) -> Completed? {
        let entry = Entry(expected: expected, deadline: deadline, waiter: waiter)
        guard !expected.isEmpty else { return complete(requestID, entry) }
        entries[requestID] = entry
        return nil
    }

    /// Records `instance`'s reply. Returns the request once every expected instance has
    /// answered; nil while waiting, and for a late, unknown or repeated reply. A reply
    /// from an instance not expected (it joined after the request went out) is kept.
    mutating func receive(requestID: String, from instance: String, reply: Reply) -> Completed? {
        guard var entry = entries[requestID], entry.replies[instance] == nil else { return nil }
        entry.replies[instance] = reply
        guard entry.expected.isSubset(of: entry.replies.keys) else {
            entries[requestID] = entry
            return nil
        }
        entries[requestID] = nil
        return complete(requestID, entry)
    }

    /// Every request whose deadline is at or before `now`, with what it has.
    mutating func expire(now: UInt64) -> [Completed] {
        let due = entries.filter { $0.value.deadline <= now }
        var completed: [Completed] = []
        for (requestID, entry) in due.sorted(by: { $0.key < $1.key }) {
            entries[requestID] = nil
            completed.append(complete(requestID, entry))
        }
        return completed
    }

    /// The earliest deadline still pending, to know how long the worker may sleep.
    var nextDeadline: UInt64? { entries.values.map(\.deadline).min() }

    private func complete(_ requestID: String, _ entry: Entry) -> Completed {
        Completed(
            requestID: requestID, waiter: entry.waiter,
            replies: entry.replies.sorted { $0.key < $1.key }.map { (instance: $0.key, reply: $0.value) },
            missing: entry.expected.subtracting(entry.replies.keys).sorted())
    }
}
