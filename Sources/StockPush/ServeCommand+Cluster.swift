import Glibc
import Redis
import Server
import Telemetry

extension ServeCommand {
    /// This instance's part in the cluster: the registry that publishes its figures and
    /// the bus that carries admin calls. Built before the server (its routes need the
    /// bus), started once the server listens (the figures name its address).
    struct ClusterNode {
        let registry: ClusterRegistry
        let bus: ClusterBus

        /// Leaves the cluster first (other instances stop expecting answers), then stops
        /// answering; the bus stops after the server (admin calls still work while draining).
        var stopBeforeServer: () -> Void { registry.stop }
        var stop: () -> Void { bus.stop }
    }

    static func makeCluster(
        _ configuration: ClusterConfiguration, prefix: String, shared: PushShared, reference: ServerReference,
        leader: @escaping @Sendable () -> Bool, logger: Logger
    ) -> ClusterNode {
        let instance = LocalInstance(id: configuration.instanceID, startedAt: shared.startedAt)
        instance.setLeader(leader)
        let local = LocalAdmin(shared: shared, instance: instance, loops: { reference.get()?.loops ?? [] })
        let registry = ClusterRegistry(configuration: configuration, prefix: prefix, local: local, logger: logger)
        let bus = ClusterBus(
            configuration: configuration, prefix: prefix, local: local, registry: registry,
            dropped: shared.metrics.controlDropped, logger: logger)
        return ClusterNode(registry: registry, bus: bus)
    }

    /// Starts the heartbeat and the control channel; on failure nothing is left running.
    static func startCluster(
        _ node: ClusterNode, redisURL: RedisURL, host: String, port: Int, configuration: ClusterConfiguration,
        logger: Logger
    ) throws {
        node.bus.local.instance.setAddress("\(advertisedHost(host)):\(port)")
        try node.bus.start(redisURL: redisURL)
        do {
            try node.registry.start(redisURL: redisURL)
        } catch {
            node.bus.stop()
            throw error
        }
        logger.info(
            "cluster: instance \(configuration.instanceID) at \(node.bus.local.instance.address), heartbeat \(configuration.heartbeatMilliseconds) ms, ttl \(configuration.ttlMilliseconds) ms, admin timeout \(configuration.timeoutMilliseconds) ms"
        )
    }

    /// A wildcard listen address says nothing to the other instances: the host name does.
    static func advertisedHost(_ host: String) -> String {
        guard host == "0.0.0.0" || host == "::" || host.isEmpty else { return host }
        var name = [CChar](repeating: 0, count: 256)
        guard gethostname(&name, name.count - 1) == 0 else { return host }
        return name.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}
