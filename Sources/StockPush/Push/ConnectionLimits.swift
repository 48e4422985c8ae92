import Synchronization

/// Connections per user and per client address across all loops. Touched only at
/// handshake and close (never per message), so a mutex is cheap enough.
public final class ConnectionLimits: Sendable {
    private struct Counts {
        var users: [String: Int] = [:]
        var addresses: [String: Int] = [:]
    }

    private let counts = Mutex(Counts())
    let maxPerUser: Int
    let maxPerAddress: Int

    public init(maxPerUser: Int, maxPerAddress: Int) {
        self.maxPerUser = maxPerUser
        self.maxPerAddress = maxPerAddress
    }

    public enum Refusal: Equatable, Sendable {
        case user(String)
        case address(String)
    }

    /// Counts the connection in, or says which limit it would break. The per-user limit
    /// applies to authenticated users only (`anonymous` is exempt, as the contract says).
    public func admit(user: String, authenticated: Bool, address: String) -> Refusal? {
        counts.withLock { counts in
            if authenticated && counts.users[user, default: 0] >= maxPerUser { return .user(user) }
            if counts.addresses[address, default: 0] >= maxPerAddress { return .address(address) }
            counts.users[user, default: 0] += 1
            counts.addresses[address, default: 0] += 1
            return nil
        }
    }

    public func release(user: String, address: String) {
        counts.withLock { counts in
            counts.users[user, default: 1] -= 1
            if counts.users[user] == 0 { counts.users[user] = nil }
            counts.addresses[address, default: 1] -= 1
            if counts.addresses[address] == 0 { counts.addresses[address] = nil }
        }
    }

    /// Connected users and their connection counts (for stats).
    public var users: [String: Int] { counts.withLock { $0.users } }
}
