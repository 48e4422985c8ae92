import Synchronization

/// A process-wide counter (or gauge, when it also goes down). Relaxed atomics: each
/// change is independent and readers only need an eventually consistent total.
public final class Counter: Sendable {
    private let value = Atomic<Int>(0)

    public init() {}

    @inline(__always) public func add(_ amount: Int) { value.add(amount, ordering: .relaxed) }

    public var current: Int { value.load(ordering: .relaxed) }
}
