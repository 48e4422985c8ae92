import Redis
import Telemetry

extension ServeCommand {
    /// Makes the per-user connection limit cluster-wide (counts in Redis under `prefix`,
    /// leased for `ttlMilliseconds` and renewed every `heartbeatMilliseconds`). Only with
    /// JWT authentication: without it there are no users to count. Returns the stop.
    static func startClusterLimits(
        _ redis: RedisEndpoint, prefix: String, instanceID: String, heartbeatMilliseconds: Int, ttlMilliseconds: Int,
        shared: PushShared, logger: Logger
    ) throws -> () -> Void {
        guard shared.verifier != nil else { return {} }
        let limits = try ClusterUserLimits(
            redis: redis,
            script: ClusterLimitScript(prefix: prefix, instanceID: instanceID, ttlMilliseconds: ttlMilliseconds),
            local: shared.limits, heartbeatMilliseconds: heartbeatMilliseconds, logger: logger)
        try limits.start()
        shared.setCluster(limits)
        logger.info(
            "per-user limit \(shared.configuration.maxConnectionsPerUser) is cluster-wide (Redis prefix \(prefix), instance \(instanceID))"
        )
        return {
            shared.setCluster(nil)
            limits.stop()
        }
    }
}
