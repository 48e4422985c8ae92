import Glibc
import Redis
import Server
import Telemetry

extension ServeCommand {
    /// This instance's part in the cluster: the registry that publishes its figures,
    /// the bus that carries admin calls, and the cluster-wide per-user limit.
    struct ClusterNode {
        let registry: ClusterRegistry
        let bus: ClusterBus
        let stopLimits: () -> Void

        /// Where the figures say this instance listens (known once the server listens;
        /// the registry publishes nothing before).
        func listening(host: String, port: Int) {
            bus.local.instance.setAddress("\(ServeCommand.advertisedHost(host)):\(port)")
        }

        /// After the clients are gone: leave the cluster (ZREM, DEL), stop answering
        /// admin calls (they still work while draining), release the user counts.
        var stop: () -> Void {
            { [registry, bus, stopLimits] in
                registry.stop()
                bus.stop()
                stopLimits()
            }
        }
    }

    /// Starts the registry, the bus and the cluster-wide limit; on failure nothing is
    /// left running. Built before the server: its routes need the bus.
    static func startCluster(
        _ configuration: ClusterConfiguration, data: DataConfiguration, shared: PushShared, reference: ServerReference,
        scheduler: SchedulerService, logger: Logger
    ) throws -> ClusterNode {
        let instance = LocalInstance(id: configuration.instanceID, startedAt: shared.startedAt)
        instance.setLeader { scheduler.isLeader }
        let local = LocalAdmin(shared: shared, instance: instance, loops: { reference.get()?.loops ?? [] })
        let prefix = data.redisPrefix
        let registry = ClusterRegistry(configuration: configuration, prefix: prefix, local: local, logger: logger)
        let bus = ClusterBus(
            configuration: configuration, prefix: prefix, local: local, registry: registry,
            dropped: shared.metrics.controlDropped, logger: logger)
        var rollback = StartupRollback()
        do {
            try bus.start(redis: data.redisEndpoint)
            rollback.started(bus.stop)
            try registry.start(redis: data.redisEndpoint)
            rollback.started(registry.stop)
            let stopLimits = try startClusterLimits(
                data.redisEndpoint, prefix: prefix, instanceID: configuration.instanceID,
                heartbeatMilliseconds: configuration.heartbeatMilliseconds, ttlMilliseconds: configuration.ttlMilliseconds,
                shared: shared, logger: logger)
            logger.info(
                "cluster: instance \(configuration.instanceID), heartbeat \(configuration.heartbeatMilliseconds) ms, ttl \(configuration.ttlMilliseconds) ms, admin timeout \(configuration.timeoutMilliseconds) ms"
            )
            return ClusterNode(registry: registry, bus: bus, stopLimits: stopLimits)
        } catch {
            rollback.stopAll()
            throw error
        }
    }

    /// A wildcard listen address says nothing to the other instances: the host name does.
    static func advertisedHost(_ host: String) -> String {
        guard host == "0.0.0.0" || host == "::" || host.isEmpty else { return host }
        var name = [CChar](repeating: 0, count: 256)
        guard gethostname(&name, name.count - 1) == 0 else { return host }
        return name.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}
