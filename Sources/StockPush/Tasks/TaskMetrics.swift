import Telemetry

/// The task streams' process-wide figures.
public final class TaskMetrics: Sendable {
    /// Task streams open now (a gauge).
    public let streamsOpen = Counter()
    /// Reports accepted over `POST /api/tasks/{id}/progress` on this instance.
    public let httpReports = Counter()
    /// Reports workers published on the channel, as this instance heard them.
    public let redisReports = Counter()
    /// Channel messages that were not a valid report (logged and dropped).
    public let invalidReports = Counter()

    public init() {}

    /// The series in the Prometheus text format.
    var exposition: String {
        var text = "# HELP stockpush_task_streams Open WebSocket connections on /api/ws/tasks/{task_id}.\n"
        text += "# TYPE stockpush_task_streams gauge\nstockpush_task_streams \(streamsOpen.current)\n"
        text += "# HELP stockpush_task_reports_total Task progress reports received, by source.\n"
        text += "# TYPE stockpush_task_reports_total counter\n"
        text += "stockpush_task_reports_total{source=\"http\"} \(httpReports.current)\n"
        text += "stockpush_task_reports_total{source=\"redis\"} \(redisReports.current)\n"
        text += "# HELP stockpush_task_reports_invalid_total Task channel messages dropped as invalid.\n"
        text += "# TYPE stockpush_task_reports_invalid_total counter\n"
        text += "stockpush_task_reports_invalid_total \(invalidReports.current)\n"
        return text
    }
}
