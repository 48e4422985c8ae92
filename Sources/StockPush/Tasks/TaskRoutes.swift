import HTTP1
import JSON
import Server

/// The producers' side of task progress, behind the service token
/// (`AdminRoutes.serviceAuthorized`): `POST /api/tasks/{task_id}/progress` stores a
/// report and sends it to the task's streams cluster-wide; `GET /api/tasks/{task_id}`
/// reads the retained state.
enum TaskRoutes {
    static func install(into routes: inout Routes, shared: PushShared, bus: TaskBus) {
        routes.webSocket("/api/ws/tasks/{task_id}") { request, context in
            TaskStreamRoute.upgrade(request, context, shared: shared)
        }
        routes.addAsync(.post, "/api/tasks/{task_id}/progress") { request, context, responder in
            guard AdminRoutes.serviceAuthorized(request, shared, responder) else { return }
            guard let taskID = validTaskID(context, responder) else { return }
            report(request, taskID: taskID, shared: shared, bus: bus, responder)
        }
        routes.addAsync(.get, "/api/tasks/{task_id}") { request, context, responder in
            guard AdminRoutes.serviceAuthorized(request, shared, responder) else { return }
            guard let taskID = validTaskID(context, responder) else { return }
            bus.fetch(taskID) { result in
                switch result {
                case .success(let event?): responder.complete(.json(.ok, stateBody(event)))
                case .success(nil):
                    responder.complete(
                        .error(.notFound, code: "unknown_task", message: "no task \(taskID) (never reported, or expired)"))
                case .failure(let failure): responder.complete(unavailable(failure))
                }
            }
        }
    }

    private static func validTaskID(_ context: RequestContext, _ responder: HTTPResponder) -> String? {
        let taskID = context.parameters["task_id"] ?? ""
        if TaskID.isValid(taskID) { return taskID }
        responder.complete(.error(.badRequest, code: "invalid_task_id", message: "a task id is \(TaskID.rule)"))
        return nil
    }

    private static func report(
        _ request: HTTPRequest, taskID: String, shared: PushShared, bus: TaskBus, _ responder: HTTPResponder
    ) {
        let body: JSONValue
        let report: TaskReport
        do {
            body = try JSONParser.parse(request.body)
        } catch {
            return responder.complete(.error(.badRequest, code: "invalid_json", message: "body: invalid JSON: \(error)"))
        }
        do {
            report = try TaskReport(json: body, taskID: taskID)
        } catch {
            return responder.complete(.error(.badRequest, code: "invalid_request", message: error.description))
        }
        bus.report(report, body: body) { result in
            switch result {
            case .success(.applied(let event)):
                shared.metrics.tasks.httpReports.add(1)
                responder.complete(.json(.ok, stateBody(event)))
            case .success(.unknownTask):
                responder.complete(
                    .error(
                        .badRequest, code: "invalid_request",
                        message: "owner: is required to create task \(taskID), which does not exist (or expired)"))
            case .success(.ownerMismatch):
                responder.complete(
                    .error(.conflict, code: "owner_mismatch", message: "owner: task \(taskID) belongs to another user"))
            case .success(.finished(let event)):
                responder.complete(
                    .error(
                        .conflict, code: "task_finished",
                        message: "task \(taskID) is already \(event.status.rawValue); it takes no more reports"))
            case .failure(let failure):
                responder.complete(unavailable(failure))
            }
        }
    }

    /// `{"task_id","owner","status","seq","message":<the stream's latest message>}`.
    static func stateBody(_ event: TaskEvent) -> JSONWriter {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("task_id")
        writer.string(event.taskID)
        writer.key("owner")
        writer.string(event.owner)
        writer.key("status")
        writer.string(event.status.rawValue)
        writer.key("seq")
        writer.int(event.seq)
        writer.key("message")
        event.message.withUnsafeBytes { writer.raw($0) }
        writer.endObject()
        return writer
    }

    /// An outage (or a full queue) is a 503 to retry; Redis answering nonsense is our bug.
    private static func unavailable(_ failure: RedisJobError) -> HTTPResponse {
        if case .failed = failure {
            return .error(.internalServerError, code: "internal_error", message: "task progress failed: \(failure)")
        }
        return .error(.serviceUnavailable, code: "redis_unavailable", message: "task progress is unavailable: \(failure)")
    }
}
