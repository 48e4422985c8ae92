import HTTP1
import Server

/// The handshake of `/api/ws/tasks/{task_id}`: the page's origin and the JWT
/// (`StreamAuthentication.admit`), a valid task id, the per-address limit (the per-user limit is the price
/// stream's, as for notifications), then the loop's `LoopTasks` as handler. Whether the
/// user owns the task is decided after the upgrade (the task may not exist yet), by
/// closing 1008 `forbidden`.
enum TaskStreamRoute {
    static func upgrade(_ request: HTTPRequest, _ context: RequestContext, shared: PushShared) -> UpgradeDecision {
        guard let tasks = context.loop.attached(LoopTasks.self), shared.isRunning else {
            return StreamAuthentication.shuttingDown()
        }
        let identity: StreamAuthentication
        let address: String
        switch StreamAuthentication.admit(request, context, shared: shared) {
        case .admitted(let checked, let from): (identity, address) = (checked, from)
        case .refused(let refusal): return refusal
        }
        let taskID = context.parameters["task_id"] ?? ""
        guard TaskID.isValid(taskID) else {
            return .reject(.error(.badRequest, code: "invalid_task_id", message: "a task id is \(TaskID.rule)"))
        }
        if shared.limits.admit(address: address) != nil { return PriceStreamRoute.addressRefusal(address, shared) }
        tasks.expect(
            LoopTasks.Arrival(user: identity.user, address: address, taskID: taskID), connectionID: context.connectionID)
        return .accept(tasks)
    }
}
