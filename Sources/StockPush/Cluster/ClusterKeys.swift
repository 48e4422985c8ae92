/// The cluster's Redis keys and channels, under the deployment's prefix P.
///
/// | key | type | holds |
/// |---|---|---|
/// | `P:instances` | zset | instance id → last heartbeat (epoch ms); entries older than the TTL are dropped |
/// | `P:instance:<id>` | string | the instance's figures (JSON), expiring after the TTL |
/// | `P:control` | channel | admin requests to every instance |
/// | `P:control:<id>` | channel | admin requests to one instance, and the replies to its requests |
///
/// Session records (`P:session:<token>`) are `SessionCommands`' keys.
struct ClusterKeys: Sendable, Equatable {
    let prefix: String

    var instances: String { "\(prefix):instances" }
    func instance(_ id: String) -> String { "\(prefix):instance:\(id)" }
    var control: String { "\(prefix):control" }
    func control(_ id: String) -> String { "\(prefix):control:\(id)" }
}
