import HTTP1
import Market
import Reactor
import Server
import Telemetry

/// `GET /metrics` in the Prometheus text exposition format (version 0.0.4).
enum MetricsRoute {
    struct LoopNumbers: Sendable {
        var messages = 0
        var bytes = 0
        var priceUpdates = 0
        var sessions = 0
        var conflated = 0
        var rateLimited = 0
        var floodCloses = 0
        var resumes = 0
        var resumesFailed = 0
        var errors: [String: Int] = [:]
    }

    static func install(into routes: inout Routes, shared: PushShared, server: @escaping @Sendable () -> HTTPServer?) {
        routes.addAsync(.get, "/metrics") { request, _, responder in
            if shared.configuration.metricsRequireAuth
                && !AdminRoutes.isAuthorized(request, token: shared.configuration.adminToken)
            {
                return responder.complete(.error(.unauthorized, code: "unauthorized", message: "metrics need the admin token"))
            }
            guard let server = server() else { return responder.complete(.text(.serviceUnavailable, "starting\n")) }
            ClusterQuery.gather(
                server.loops,
                { loop in
                    loop.attached(LoopPush.self).map {
                        let stats = $0.core.stats
                        return LoopNumbers(
                            messages: stats.messagesSent, bytes: stats.bytesSent, priceUpdates: stats.priceUpdates,
                            sessions: $0.core.clientCount, conflated: stats.conflated, rateLimited: stats.rateLimited,
                            floodCloses: stats.floodCloses, resumes: stats.resumesSucceeded,
                            resumesFailed: stats.resumesFailed, errors: stats.errors)
                    } ?? LoopNumbers()
                }
            ) { loops in
                var response = HTTPResponse.text(.ok, render(loops, shared: shared, core: server.metrics))
                response.headers.replaceOrAdd(name: "Content-Type", value: "text/plain; version=0.0.4; charset=utf-8")
                responder.complete(response)
            }
        }
    }

    static func render(_ loops: [LoopNumbers], shared: PushShared, core: ServerMetrics) -> String {
        // Which instance answered: behind a balancer consecutive scrapes may reach different
        // ones, and a reader (the dashboard) must not subtract one's counters from another's.
        var text = "# HELP stockpush_instance_info The instance that answered (its id), always 1.\n"
        text += "# TYPE stockpush_instance_info gauge\nstockpush_instance_info{instance=\"\(labelValue(shared.instanceID))\"} 1\n"
        func metric(_ name: String, _ type: String, _ help: String, _ value: Int) {
            text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n\(name) \(value)\n"
        }
        metric(
            "stockpush_connections", "gauge", "Open WebSocket connections on /ws/stock/prices.",
            loops.reduce(0) { $0 + $1.sessions })
        metric(
            "stockpush_websocket_connections", "gauge", "Open WebSocket connections on any route.", core.activeWebSockets.current)
        metric("stockpush_tcp_connections", "gauge", "Open TCP connections.", core.activeConnections.current)
        metric("stockpush_connections_accepted_total", "counter", "TCP connections accepted.", core.connectionsAccepted.current)
        metric(
            "stockpush_connections_rejected_total", "counter", "TCP connections refused at the connection limit.",
            core.connectionsRejected.current)
        metric(
            "stockpush_messages_sent_total", "counter", "WebSocket messages sent to price-stream clients.",
            loops.reduce(0) { $0 + $1.messages })
        metric(
            "stockpush_bytes_sent_total", "counter", "Bytes of those messages, frames included.",
            loops.reduce(0) { $0 + $1.bytes })
        metric(
            "stockpush_price_updates_total", "counter", "price_update messages sent.", loops.reduce(0) { $0 + $1.priceUpdates })
        metric("stockpush_ticks_total", "counter", "Ticks published.", shared.metrics.ticks.current)
        metric(
            "stockpush_quotes_changed_total", "counter", "Quotes that changed, summed over ticks.",
            shared.metrics.quotesChanged.current)
        metric(
            "stockpush_conflated_total", "counter", "Queued quotes replaced by newer ones for slow clients.",
            loops.reduce(0) { $0 + $1.conflated })
        metric(
            "stockpush_slow_consumer_closes_total", "counter", "Connections closed as slow consumers.",
            core.slowConsumerCloses.current)
        metric(
            "stockpush_heartbeat_timeouts_total", "counter", "Connections closed 4408 for silence.",
            core.heartbeatTimeouts.current)
        metric(
            "stockpush_request_timeouts_total", "counter",
            "Requests answered 408: the head (or a deferred upgrade's answer) not in within the header timeout.",
            core.requestTimeouts.current)
        metric(
            "stockpush_handshake_failures_total", "counter", "WebSocket handshakes refused (bad request, auth, limits).",
            core.handshakeFailures.current)
        metric("stockpush_auth_failures_total", "counter", "Handshakes refused with 401.", shared.metrics.authFailures.current)
        metric(
            "stockpush_origin_refusals_total", "counter",
            "WebSocket handshakes refused with 403 for an Origin not allowed (ALLOWED_ORIGINS).",
            shared.metrics.originRefusals.current)
        metric(
            "stockpush_cors_refusals_total", "counter", "CORS preflights refused with 403 for an Origin not allowed.",
            shared.metrics.corsRefusals.current)
        metric(
            "stockpush_cluster_limit_fallbacks_total", "counter",
            "Handshakes admitted on this instance's per-user count alone (Redis down or slow).",
            shared.metrics.clusterLimitFallbacks.current)
        metric(
            "stockpush_rate_limited_total", "counter", "Client messages dropped by the rate limit.",
            loops.reduce(0) { $0 + $1.rateLimited })
        metric(
            "stockpush_flood_closes_total", "counter", "Connections closed 1008 for flooding past the rate limit.",
            loops.reduce(0) { $0 + $1.floodCloses })
        metric(
            "stockpush_cluster_control_dropped_total", "counter", "Cluster control messages that did not parse (dropped).",
            shared.metrics.controlDropped.current)
        metric("stockpush_http_requests_total", "counter", "HTTP requests served.", core.httpRequests.current)
        metric(
            "stockpush_protocol_errors_total", "counter", "Connections failed for WebSocket protocol errors.",
            core.protocolErrors.current)
        text += renderSessions(loops, shared: shared)
        text += renderNotifications(shared.metrics.notifications)
        text += renderErrorsAndLatency(loops, shared: shared)
        return text + shared.metrics.tasks.exposition
    }

    /// Session resume: resumes answered either way, and the store's writes to Redis.
    static func renderSessions(_ loops: [LoopNumbers], shared: PushShared) -> String {
        var text = ""
        func metric(_ name: String, _ help: String, _ value: Int) {
            text += "# HELP \(name) \(help)\n# TYPE \(name) counter\n\(name) \(value)\n"
        }
        metric(
            "stockpush_resumes_total", "resume requests answered resumed (session restored).",
            loops.reduce(0) { $0 + $1.resumes })
        metric(
            "stockpush_resume_failures_total", "resume requests refused (resume_failed, resume_unavailable).",
            loops.reduce(0) { $0 + $1.resumesFailed })
        metric(
            "stockpush_session_writes_total", "Session record commands Redis applied (changes, closes, TTL refreshes).",
            shared.metrics.sessionWrites.current)
        metric(
            "stockpush_session_write_failures_total", "Session record writes that failed (retried while Redis is away).",
            shared.metrics.sessionWriteFailures.current)
        return text
    }

    /// The notification counters (`NotificationMetrics`).
    static func renderNotifications(_ notifications: NotificationMetrics) -> String {
        var text = ""
        func metric(_ name: String, _ type: String, _ help: String, _ value: Int) {
            text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n\(name) \(value)\n"
        }
        metric(
            "stockpush_notifications_queued_total", "counter", "Notifications queued, one per recipient user.",
            notifications.queued.current)
        metric(
            "stockpush_notifications_dropped_total", "counter",
            "Queued notifications dropped unacknowledged by the per-user cap (NOTIFY_QUEUE_MAX).", notifications.dropped.current)
        metric(
            "stockpush_notifications_delivered_total", "counter", "Notification messages written to connections.",
            notifications.delivered.current)
        metric(
            "stockpush_notifications_acknowledged_total", "counter", "Notifications acknowledged by their users.",
            notifications.acknowledged.current)
        metric(
            "stockpush_notification_failures_total", "counter", "Notification requests that failed for Redis.",
            notifications.failures.current)
        metric(
            "stockpush_notification_connections", "gauge", "Connections taking notifications now.",
            notifications.connections.current)
        return text
    }

    /// The labelled and histogram series, which `metric` cannot write.
    static func renderErrorsAndLatency(_ loops: [LoopNumbers], shared: PushShared) -> String {
        var text = ""
        text += "# HELP stockpush_errors_total Error replies sent to clients, by code.\n# TYPE stockpush_errors_total counter\n"
        var errors: [String: Int] = [:]
        for loop in loops { errors.merge(loop.errors, uniquingKeysWith: +) }
        for code in [
            "invalid_json", "invalid_message", "unknown_type", "unknown_target", "rate_limited", "too_many_subscriptions",
            "not_ready", "resume_failed", "resume_unavailable",
        ] {
            text += "stockpush_errors_total{code=\"\(code)\"} \(errors[code] ?? 0)\n"
        }
        let metrics = shared.metrics
        text += histogram(
            "stockpush_source_to_ingest_seconds",
            "A quote's way, first leg: its quote_time at the source to its ingest_time (the leader's write to Redis), per quote sent.",
            metrics.sourceToIngest)
        text += histogram(
            "stockpush_ingest_to_publish_seconds",
            "Second leg: ingest_time to the timestamp of the tick that sent the quote on this instance, per quote.",
            metrics.ingestToPublish)
        text += histogram(
            "stockpush_publish_latency_seconds",
            "Third leg: a tick's timestamp to the last write of its messages on a loop (handed to the kernel).",
            metrics.publishLatency)
        text += "# HELP stockpush_stale_quotes Quotes flagged stale now (market open, no new quote_time for STALE_AFTER).\n"
        text += "# TYPE stockpush_stale_quotes gauge\nstockpush_stale_quotes \(metrics.staleQuotes.current)\n"
        text += "# HELP stockpush_stale_transitions_total Quotes that went stale (to=stale) or recovered (to=fresh).\n"
        text += "# TYPE stockpush_stale_transitions_total counter\n"
        text += "stockpush_stale_transitions_total{to=\"stale\"} \(metrics.wentStale.current)\n"
        text += "stockpush_stale_transitions_total{to=\"fresh\"} \(metrics.recovered.current)\n"
        return text + marketStatus(shared)
    }

    /// A histogram in the exposition format: cumulative buckets, sum and count.
    static func histogram(_ name: String, _ help: String, _ histogram: Histogram) -> String {
        let snapshot = histogram.snapshot
        var text = "# HELP \(name) \(help)\n# TYPE \(name) histogram\n"
        for (index, bound) in histogram.bounds.enumerated() {
            text += "\(name)_bucket{le=\"\(bound)\"} \(snapshot.buckets[index])\n"
        }
        text += "\(name)_bucket{le=\"+Inf\"} \(snapshot.count)\n\(name)_sum \(snapshot.sum)\n\(name)_count \(snapshot.count)\n"
        return text
    }

    /// One series per market and status, 1 for the status the market is in: a dashboard
    /// or an alert tells "no ticks" from "market closed".
    static func marketStatus(_ shared: PushShared) -> String {
        var text = "# HELP stockpush_market_status The phase of each market's trading day (1: current).\n"
        text += "# TYPE stockpush_market_status gauge\n"
        for (market, state) in shared.marketStates() {
            for status in MarketStatus.allCases {
                let value = status == state.status ? 1 : 0
                text += "stockpush_market_status{market=\"\(labelValue(market))\",status=\"\(status.rawValue)\"} \(value)\n"
            }
        }
        return text
    }

    /// A label value in the exposition format: backslash, quote and newline escaped.
    static func labelValue(_ value: String) -> String {
        var escaped = ""
        for character in value {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
