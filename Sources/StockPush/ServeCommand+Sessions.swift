import Telemetry

extension ServeCommand {
    /// The session store, when resume is on (`SESSION_RESUME_TTL` > 0): from then on
    /// every `connected` carries a token. Returns how to stop it (after the clients are
    /// gone, so their last records are written).
    static func startSessions(data: DataConfiguration, shared: PushShared, logger: Logger) throws -> (() -> Void)? {
        let ttl = shared.configuration.sessionResumeTTL
        guard ttl > 0 else {
            logger.info("sessions: resume off (SESSION_RESUME_TTL=0)")
            return nil
        }
        let commands = SessionCommands(prefix: data.redisPrefix, ttlMilliseconds: max(1, Int((ttl * 1000).rounded())))
        let store = try SessionStore(redis: data.redisEndpoint, commands: commands, metrics: shared.metrics, logger: logger)
        try store.start()
        shared.setSessions(store)
        logger.info("sessions: resumable for \(ttl) s after a disconnect, kept in Redis under \(data.redisPrefix):session:")
        return {
            shared.setSessions(nil)
            store.stop()
        }
    }
}
