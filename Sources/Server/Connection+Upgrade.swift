import Buffers
import HTTP1
import Reactor
import WebSocket

extension Connection {
    /// What a deferred upgrade needs to finish: the answer to send with a 101.
    struct PendingUpgrade {
        let acceptValue: String
        let version: HTTPVersion
        /// permessage-deflate as negotiated from the request (nil: not offered, declined or off).
        let deflate: DeflateAgreement?
    }

    func upgradeToWebSocket(
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
            let deflate =
                server.configuration.webSocket.deflate ? PerMessageDeflate.negotiate(handshake.extensionFieldValues) : nil
            let pending = PendingUpgrade(acceptValue: acceptValue, version: request.version, deflate: deflate)
            carryOut(decide(request, context), pending, buffer: &buffer)
        }
    }

    private func carryOut(_ decision: UpgradeDecision, _ pending: PendingUpgrade, buffer: inout ByteBuffer) {
        switch decision {
        case .reject(let response):
            server.metrics.handshakeFailures.add(1)
            respond(response, version: pending.version, keepAlive: false, includeBody: true)
        case .accept(let handler, let maxMessageBytes):
            let extensions = pending.deflate.map { [("Sec-WebSocket-Extensions", $0.response)] } ?? []
            enqueue(WebSocketHandshake.switchingProtocols(acceptValue: pending.acceptValue, extraHeaders: extensions))
            phase = .webSocket
            http = nil
            var settings = server.configuration.webSocket
            if let maxMessageBytes { settings.maxMessageBytes = maxMessageBytes }
            let session = WebSocketSession(handler: handler, settings: settings, now: loop.now, deflate: pending.deflate)
            webSocket = session
            server.webSocketOpened(self)
            handler.webSocketDidOpen(self)
            // Frames sent right behind the handshake are already in the buffer.
            processWebSocket(&buffer)
        case .deferred(let deferred):
            // Nothing is read meanwhile (bytes behind the request stay in the carry), and
            // the header timeout runs again from here: an answer that never comes ends in 408.
            http?.awaitingUpgrade = pending
            requestStartedAt = loop.now
            holdReading(true)
            deferred.start(UpgradeResponder(loop: loop, connectionID: id))
        }
    }

    /// Carries out a deferred decision; false if the connection no longer waits for one
    /// (closed, timed out, or already answered).
    func completeDeferredUpgrade(_ decision: UpgradeDecision) -> Bool {
        guard phase == .http, let pending = http?.awaitingUpgrade else { return false }
        if case .deferred = decision {
            // A route defers once; a second deferral is a bug in it, answered as such.
            http?.awaitingUpgrade = nil
            respond(
                .error(.internalServerError, code: "internal_error", message: "the upgrade was deferred twice"),
                version: pending.version, keepAlive: false, includeBody: true)
            return false
        }
        http?.awaitingUpgrade = nil
        requestStartedAt = nil
        var buffer = stream.takeCarry()
        carryOut(decision, pending, buffer: &buffer)
        guard phase == .webSocket else { return true }
        holdReading(false)
        if phase == .webSocket && !buffer.isEmpty { stream.keepCarry(buffer) }
        return true
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
