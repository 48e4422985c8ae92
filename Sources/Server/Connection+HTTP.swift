import Buffers
import HTTP1
import Reactor
import WebSocket

extension Connection {
    /// Parses and answers every complete request in `buffer` (pipelining), in order.
    func processHTTP(_ buffer: inout ByteBuffer) {
        while phase == .http && awaitingAsync == nil && http?.awaitingUpgrade == nil {
            let request: HTTPRequest?
            do {
                guard let http else { return }
                request = try http.parser.next(&buffer)
            } catch {
                server.metrics.httpErrors.add(1)
                respond(
                    HTTPResponse.error(error),
                    version: .http1_1, keepAlive: false, includeBody: true)
                buffer.clear()
                return
            }
            guard let request else { break }
            requestStartedAt = nil
            handle(request, buffer: &buffer)
        }
        // Idle time counts from the last response (see `respond`): blank lines between
        // requests are skipped by the parser but are no request and keep nothing alive.
        if phase == .http && (http?.parser.hasPartialRequest == true || !buffer.isEmpty) {
            if requestStartedAt == nil { requestStartedAt = loop.now }
        }
    }

    private func handle(_ request: HTTPRequest, buffer: inout ByteBuffer) {
        server.metrics.httpRequests.add(1)
        let includeBody = request.method != .head
        let match = server.routes.router.match(method: request.method, path: request.path)
        var parameters: [String: String] = [:]
        if case .found(_, let found) = match { parameters = found }
        let context = RequestContext(remoteAddress: remoteAddress, loop: loop, connectionID: id, parameters: parameters)
        if request.method == .options, let answer = server.routes.filter?.answer(request, context) {
            respond(answer, version: request.version, keepAlive: request.keepAlive, includeBody: includeBody)
            return
        }
        /// The route's response with the filter's fields (never a WebSocket's: it has none).
        func filtered(_ response: HTTPResponse) -> HTTPResponse {
            guard let filter = server.routes.filter else { return response }
            var response = response
            response.headers.append(filter.headers(request, context))
            return response
        }
        switch match {
        case .found(.http(let handler), _):
            respond(
                filtered(handler(request, context)), version: request.version, keepAlive: request.keepAlive,
                includeBody: includeBody)
        case .found(.async(let handler), _):
            // Stop reading and parsing until the answer is in: responses keep request order.
            awaitingAsync = AsyncRequest(
                version: request.version, keepAlive: request.keepAlive, includeBody: includeBody,
                extraHeaders: server.routes.filter?.headers(request, context) ?? HTTPHeaders())
            holdReading(true)
            handler(request, context, HTTPResponder(loop: loop.handle, connectionID: id))
        case .found(.webSocket(let upgrade), _):
            upgradeToWebSocket(request, context: context, decide: upgrade, buffer: &buffer)
        case .methodNotAllowed(let allowed):
            var response = HTTPResponse.error(
                .methodNotAllowed, code: "method_not_allowed",
                message: "\(request.method) is not allowed on \(request.path)")
            response.headers.add(name: "Allow", value: allowed.map(\.rawValue).joined(separator: ", "))
            respond(filtered(response), version: request.version, keepAlive: request.keepAlive, includeBody: includeBody)
        case .notFound:
            let response = HTTPResponse.error(.notFound, code: "not_found", message: "no route for \(request.path)")
            respond(filtered(response), version: request.version, keepAlive: request.keepAlive, includeBody: includeBody)
        }
    }

    /// The answer to the request that is waiting; then the pipelined rest, if any.
    func completeAsyncResponse(_ response: HTTPResponse) {
        guard phase == .http, let pending = awaitingAsync else { return }
        awaitingAsync = nil
        var response = response
        response.headers.append(pending.extraHeaders)
        respond(response, version: pending.version, keepAlive: pending.keepAlive, includeBody: pending.includeBody)
        guard phase == .http else { return }
        holdReading(false)
        if stream.hasCarry {
            var buffer = stream.takeCarry()
            processHTTP(&buffer)
            if phase == .http && !buffer.isEmpty { stream.keepCarry(buffer) }
        }
    }

    /// Queues a response; a response that ends the connection stops further parsing.
    func respond(_ response: HTTPResponse, version: HTTPVersion, keepAlive: Bool, includeBody: Bool) {
        let keepAlive = keepAlive && server.isAccepting
        http?.idleSince = loop.now
        var bytes = ByteBuffer(capacity: 256 + response.body.count)
        response.serialize(version: version, keepAlive: keepAlive, includeBody: includeBody, into: &bytes)
        enqueue(SharedBytes(bytes))
        if !keepAlive { closeAfterFlush() }
    }
}
