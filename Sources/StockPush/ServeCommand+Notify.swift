import Telemetry

extension ServeCommand {
    /// The notifications' Redis worker and store (`NOTIFY_*` options), started.
    static func startNotifications(
        _ options: Options, data: DataConfiguration, shared: PushShared, logger: Logger
    ) throws -> NotificationService {
        let limits = try NotificationConfiguration.limits(options)
        let redis = try RedisWorker(endpoint: data.redisEndpoint, name: "notifications", logger: logger)
        try redis.start()
        return NotificationService(
            store: NotificationStore(prefix: data.redisPrefix, limits: limits), redis: redis,
            metrics: shared.metrics.notifications)
    }
}
