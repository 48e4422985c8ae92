import JSON
import Reactor
import Redis
import Synchronization
import Telemetry
import Time

/// Publishes this instance's figures on every heartbeat (ZADD `P:instances`, SET
/// `P:instance:<id>` PX ttl) and reads back who else is alive, dropping entries older
/// than the TTL, so a killed instance leaves the cluster within one TTL. A clean stop
/// removes the entry at once. Runs on its own thread: hiredis blocks.
public final class ClusterRegistry: Sendable {
    private let configuration: ClusterConfiguration
    private let keys: ClusterKeys
    private let local: LocalAdmin
    private let logger: Logger
    private let worker = WorkerThread()
    /// Live instances (id → figures) at the last heartbeat, this one included.
    private let live = Mutex<[String: JSONValue]>([:])
    private let latestFigures = Mutex<JSONValue?>(nil)

    init(configuration: ClusterConfiguration, prefix: String, local: LocalAdmin, logger: Logger) {
        self.configuration = configuration
        keys = ClusterKeys(prefix: prefix)
        self.local = local
        self.logger = logger
    }

    /// Ids of the instances alive at the last heartbeat.
    var liveIDs: Set<String> { live.withLock { Set($0.keys) } }

    /// The last published figures of `id`, if it is alive.
    func figures(of id: String) -> JSONValue? { live.withLock { $0[id] } }

    func start(redis: RedisEndpoint) throws {
        try worker.start(name: "cluster-registry") { [self] in
            let client = RedisClient(
                endpoint: redis, backoff: .init(initial: 0.1, maximum: 2), sleep: worker.sleep,
                log: { [logger] in logger.warning("cluster registry: \($0)") })
            let interval = Double(configuration.heartbeatMilliseconds) / 1000
            while !worker.isStopping {
                // Nothing is published before the server listens (the figures name its address).
                if !local.instance.address.isEmpty, let figures = currentFigures() {
                    do {
                        try client.withConnection(deadlineSeconds: interval) { try beat($0, figures) }
                    } catch {
                        if !worker.isStopping { logger.debug("cluster registry: heartbeat failed: \(error)") }
                    }
                }
                worker.sleep(interval)
            }
            leave(client)
        }
    }

    /// Leaves the cluster (ZREM, DEL) and stops the heartbeat.
    public func stop() {
        worker.stop()
    }

    /// Asks the loops for fresh figures and waits a little for them (this is a worker
    /// thread); a slow answer is published on the next beat instead.
    private func currentFigures() -> JSONValue? {
        local.figures { [self] figures in latestFigures.withLock { $0 = figures } }
        let deadline = MonotonicClock.now() &+ 500_000_000
        while !worker.isStopping && MonotonicClock.now() < deadline {
            if let figures = latestFigures.withLock({ value -> JSONValue? in
                defer { value = nil }
                return value
            }) {
                return figures
            }
            worker.sleep(0.002)
        }
        return nil
    }

    private func beat(_ connection: RedisConnection, _ figures: JSONValue) throws {
        let now = WallClock.nowMicroseconds() / 1000
        var writer = JSONWriter()
        writer.value(figures)
        let id = local.instance.id
        let replies = try connection.pipeline([
            command("ZADD", keys.instances, String(now), id),
            command("SET", keys.instance(id)) + [writer.buffer.readableBytesArray]
                + command("PX", String(configuration.ttlMilliseconds)),
            command("ZREMRANGEBYSCORE", keys.instances, "-inf", "(\(now - Int64(configuration.ttlMilliseconds))"),
            command("ZRANGE", keys.instances, "0", "-1"),
        ])
        for reply in replies { if case .error(let message) = reply { throw RedisError.server(message) } }
        let ids = (replies[3].array ?? []).compactMap(\.string)
        var found: [String: JSONValue] = [:]
        if !ids.isEmpty {
            let values = try connection.command(command("MGET") + ids.map { Array(keys.instance($0).utf8) }).array ?? []
            for (index, id) in ids.enumerated() {
                let parsed = index < values.count ? values[index].bytes.flatMap { try? JSONParser.parse($0) } : nil
                found[id] = parsed ?? .object([("id", .string(id))])
            }
        }
        found[id] = figures
        live.withLock { $0 = found }
    }

    private func leave(_ client: RedisClient) {
        let id = local.instance.id
        do {
            try client.withConnection(deadlineSeconds: 1) { connection in
                _ = try connection.pipeline([command("ZREM", keys.instances, id), command("DEL", keys.instance(id))])
            }
            logger.info("cluster: instance \(id) left \(keys.instances)")
        } catch {
            logger.warning("cluster: could not remove instance \(id) from Redis (it expires by itself): \(error)")
        }
        client.close()
    }

    private func command(_ parts: String...) -> [[UInt8]] { parts.map { Array($0.utf8) } }
}
