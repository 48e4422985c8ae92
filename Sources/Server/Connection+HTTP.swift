import Buffers
import HTTP1
import Reactor
import WebSocket

extension Connection {
    /// Parses and answers every complete request in `buffer` (pipelining), in order.
    func processHTTP(_ buffer: inout ByteBuffer) {
        while phase == .http && awaitingAsync == nil {
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
        switch match {
        case .found(.http(let handler), _):
            respond(handler(request, context), version: request.version, keepAlive: request.keepAlive, includeBody: includeBody)
        case .found(.async(let handler), _):
            // Stop reading and parsing until the answer is in: responses keep request order.
            awaitingAsync = AsyncRequest(version: request.version, keepAlive: request.keepAlive, includeBody: includeBody)
            holdReading(true)
            handler(request, context, HTTPResponder(loop: loop.handle, connectionID: id))
        case .found(.webSocket(let upgrade), _):
            upgradeToWebSocket(request, context: context, decide: upgrade, buffer: &buffer)
        case .methodNotAllowed(let allowed):
            var response = HTTPResponse.error(
                .methodNotAllowed, code: "method_not_allowed",
                message: "\(request.method) is not allowed on \(request.path)")
            response.headers.add(name: "Allow", value: allowed.map(\.rawValue).joined(separator: ", "))
            respond(response, version: request.version, keepAlive: request.keepAlive, includeBody: includeBody)
        case .notFound:
            respond(
                HTTPResponse.error(.notFound, code: "not_found", message: "no route for \(request.path)"),
                version: request.version, keepAlive: request.keepAlive, includeBody: includeBody)
        }
    }

    /// The answer to the request that is waiting; then the pipelined rest, if any.
    func completeAsyncResponse(_ response: HTTPResponse) {
        guard phase == .http, let pending = awaitingAsync else { return }
        awaitingAsync = nil
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

    private func upgradeToWebSocket(
        _ request: HTTPRequest, context: RequestContext, decide: UpgradeHandler, buffer: inout ByteBuffer
    ) {
        guard request.headers["upgrade"] != nil else {
            // A plain GET on a WebSocket endpoint: say what it takes (RFC 9110 15.5.22).
            var response = HTTPResponse.error(
                .upgradeRequired, code: "upgrade_required",
                message: "this endpoint speaks WebSocket only")
            response.headers.add(name: "Upgrade", value: "websocket")
            response.headers.add(name: "Connection", value: "Upgrade")
            response.headers.add(name: "Sec-WebSocket-Version", value: "13")
            respond(response, version: request.version, keepAlive: request.keepAlive, includeBody: true)
            return
        }
        let handshake = HandshakeRequest(
            method: request.method.rawValue, versionMajor: request.version.major,
            versionMinor: request.version.minor, headers: request.headers.pairs)
        switch WebSocketHandshake.evaluate(handshake) {
        case .reject(let status, let reason, let headers):
            server.metrics.handshakeFailures.add(1)
            var response = HTTPResponse.error(
                HTTPStatus(code: status, reasonPhrase: reasonPhrase(status)),
                code: "bad_handshake", message: reason)
            for (name, value) in headers ?? [:] { response.headers.add(name: name, value: value) }
            respond(response, version: request.version, keepAlive: false, includeBody: true)
        case .accept(let acceptValue):
            switch decide(request, context) {
            case .reject(let response):
                server.metrics.handshakeFailures.add(1)
                respond(response, version: request.version, keepAlive: false, includeBody: true)
            case .accept(let handler, let maxMessageBytes):
                enqueue(WebSocketHandshake.switchingProtocols(acceptValue: acceptValue))
                phase = .webSocket
                http = nil
                var settings = server.configuration.webSocket
                if let maxMessageBytes { settings.maxMessageBytes = maxMessageBytes }
                let session = WebSocketSession(handler: handler, settings: settings, now: loop.now)
                webSocket = session
                server.webSocketOpened(self)
                handler.webSocketDidOpen(self)
                // Frames sent right behind the handshake are already in the buffer.
                processWebSocket(&buffer)
            }
        }
    }

    private func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 400: "Bad Request"
        case 426: "Upgrade Required"
        case 405: "Method Not Allowed"
        default: "Error"
        }
    }
}
