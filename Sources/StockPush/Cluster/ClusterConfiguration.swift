/// How this instance takes part in a cluster: its id, how often it publishes its
/// figures, how long they live, and how long an admin call waits for the others.
public struct ClusterConfiguration: Sendable {
    public var instanceID: String
    public var heartbeatMilliseconds = 1000
    public var ttlMilliseconds = 5000
    public var timeoutMilliseconds = 2000

    public static let options: [OptionSpec] = [
        OptionSpec(
            "--instance-id", env: "INSTANCE_ID",
            help: "this instance's id in the cluster, [A-Za-z0-9.-] 1-48 chars (default: host-pid-random)"),
        OptionSpec(
            "--cluster-heartbeat-ms", env: "CLUSTER_HEARTBEAT_MS", default: "1000",
            help: "milliseconds between publications of this instance's figures to Redis"),
        OptionSpec(
            "--cluster-ttl-ms", env: "CLUSTER_TTL_MS", default: "5000",
            help: "an instance silent this long leaves the cluster (its figures and leases expire)"),
        OptionSpec(
            "--cluster-timeout-ms", env: "CLUSTER_TIMEOUT_MS", default: "2000",
            help: "how long an admin call waits for the other instances' answers"),
    ]

    public init(instanceID: String = InstanceIdentity.generated()) {
        self.instanceID = instanceID
    }

    public init(from options: Options) throws(UsageError) {
        if let id = options.string("--instance-id"), !id.isEmpty {
            guard InstanceIdentity.isValid(id) else {
                throw .invalidValue(
                    option: "--instance-id (INSTANCE_ID)", value: id,
                    expected: "1-\(InstanceIdentity.maximumLength) characters of A-Z, a-z, 0-9, '.' and '-'")
            }
            instanceID = id
        } else {
            instanceID = InstanceIdentity.generated()
        }
        heartbeatMilliseconds = try options.int("--cluster-heartbeat-ms", in: 10...600_000) ?? 1000
        ttlMilliseconds = try options.int("--cluster-ttl-ms", in: 100...3_600_000) ?? 5000
        timeoutMilliseconds = try options.int("--cluster-timeout-ms", in: 10...600_000) ?? 2000
        guard ttlMilliseconds > heartbeatMilliseconds else {
            throw .invalidValue(
                option: "--cluster-ttl-ms (CLUSTER_TTL_MS)", value: String(ttlMilliseconds),
                expected: "more than --cluster-heartbeat-ms (\(heartbeatMilliseconds))")
        }
    }
}
