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
    /// Each table is searched once (a handshake's worth of string hashing is not free).
    public func admit(user: String, authenticated: Bool, address: String) -> Refusal? {
        counts.withLock { counts in
            let userIndex = counts.users.index(forKey: user)
            if authenticated, let userIndex, counts.users.values[userIndex] >= maxPerUser { return .user(user) }
            let addressIndex = counts.addresses.index(forKey: address)
            if let addressIndex, counts.addresses.values[addressIndex] >= maxPerAddress { return .address(address) }
            Self.increment(&counts.users, user, at: userIndex)
            Self.increment(&counts.addresses, address, at: addressIndex)
            return nil
        }
    }

    /// The per-address limit alone, for streams besides the price stream (notifications):
    /// the per-user limit and the user counts are the price stream's.
    public func admit(address: String) -> Refusal? {
        counts.withLock { counts in
            let index = counts.addresses.index(forKey: address)
            if let index, counts.addresses.values[index] >= maxPerAddress { return .address(address) }
            Self.increment(&counts.addresses, address, at: index)
            return nil
        }
    }

    public func release(address: String) {
        counts.withLock { counts in Self.decrement(&counts.addresses, address) }
    }

    public func release(user: String, address: String) {
        counts.withLock { counts in
            Self.decrement(&counts.users, user)
            Self.decrement(&counts.addresses, address)
        }
    }

    private static func increment(_ table: inout [String: Int], _ key: String, at index: Dictionary<String, Int>.Index?) {
        if let index { table.values[index] += 1 } else { table[key] = 1 }
    }

    /// Drops the entry when it reaches zero, so departed users and addresses cost nothing.
    private static func decrement(_ table: inout [String: Int], _ key: String) {
        guard let index = table.index(forKey: key) else { return }
        if table.values[index] <= 1 { table.remove(at: index) } else { table.values[index] -= 1 }
    }

    /// Connections `user` holds here (the cluster limits write it to Redis).
    public func count(user: String) -> Int {
        counts.withLock { $0.users[user] ?? 0 }
    }

    /// Connected users and their connection counts (for stats).
    public var users: [String: Int] { counts.withLock { $0.users } }
}
