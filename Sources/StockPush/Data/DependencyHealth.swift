import Synchronization

/// What `/readyz` reports: whether Redis and PostgreSQL were reachable at the last
/// attempt, and why not. Updated by the worker threads, read by HTTP handlers.
public final class DependencyHealth: Sendable {
    public enum Dependency: String, Sendable, CaseIterable {
        case redis
        case postgres
    }

    public struct Status: Sendable, Equatable {
        public var isUp: Bool
        public var reason: String
    }

    private let statuses = Mutex<[Dependency: Status]>(
        [.redis: Status(isUp: false, reason: "not connected yet"), .postgres: Status(isUp: false, reason: "not connected yet")])

    public init() {}

    public func markUp(_ dependency: Dependency) {
        statuses.withLock { $0[dependency] = Status(isUp: true, reason: "ok") }
    }

    public func markDown(_ dependency: Dependency, reason: String) {
        statuses.withLock { $0[dependency] = Status(isUp: false, reason: reason) }
    }

    public func status(_ dependency: Dependency) -> Status {
        statuses.withLock { $0[dependency]! }
    }

    public var isReady: Bool { Dependency.allCases.allSatisfy { status($0).isUp } }
}
