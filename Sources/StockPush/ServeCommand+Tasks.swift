import Telemetry

extension ServeCommand {
    /// The task-progress bus on its thread, listening on `P:tasks`; built before the
    /// server, whose routes and loops need it. Redis down is not a failed start: the bus
    /// reconnects and task calls answer 503 meanwhile.
    static func startTasks(
        _ options: Options, data: DataConfiguration, shared: PushShared, reference: ServerReference, logger: Logger
    ) throws -> TaskBus {
        let configuration = try TaskConfiguration(from: options)
        let store = TaskStore(
            prefix: data.redisPrefix, runningTTL: configuration.runningTTL, finishedTTL: configuration.finishedTTL)
        let bus = try TaskBus(
            store: store, endpoint: data.redisEndpoint, instanceID: shared.instanceID, metrics: shared.metrics.tasks,
            loops: { reference.get()?.loops ?? [] }, logger: logger)
        try bus.start()
        return bus
    }
}
