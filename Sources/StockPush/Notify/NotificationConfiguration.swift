/// `NOTIFY_QUEUE_MAX`, `NOTIFY_TTL`, `NOTIFY_HISTORY_MAX`, `NOTIFY_HISTORY_TTL`: how much
/// of a user's notifications Redis keeps, and for how long.
enum NotificationConfiguration {
    static let options: [OptionSpec] = [
        OptionSpec(
            "--notify-queue-max", env: "NOTIFY_QUEUE_MAX", default: "1000",
            help: "notifications kept per user until acknowledged; past it the oldest is dropped (and counted)"),
        OptionSpec(
            "--notify-ttl", env: "NOTIFY_TTL", default: "604800",
            help: "seconds an unacknowledged notification waits for its user (default 7 days)"),
        OptionSpec(
            "--notify-history-max", env: "NOTIFY_HISTORY_MAX", default: "500",
            help: "notifications kept per user in the history (GET /api/notifications)"),
        OptionSpec(
            "--notify-history-ttl", env: "NOTIFY_HISTORY_TTL", default: "2592000",
            help: "seconds a user's history is kept after their last notification (default 30 days; at least NOTIFY_TTL)"),
    ]

    static func limits(_ options: Options) throws(UsageError) -> NotificationStore.Limits {
        var limits = NotificationStore.Limits()
        limits.queueCap = try options.int("--notify-queue-max", in: 1...1_000_000) ?? limits.queueCap
        limits.queueTTLMilliseconds = try milliseconds(options, "--notify-ttl") ?? limits.queueTTLMilliseconds
        limits.historyCap = try options.int("--notify-history-max", in: 1...1_000_000) ?? limits.historyCap
        limits.historyTTLMilliseconds = try milliseconds(options, "--notify-history-ttl") ?? limits.historyTTLMilliseconds
        return limits
    }

    private static func milliseconds(_ options: Options, _ flag: String) throws(UsageError) -> Int? {
        guard let seconds = try options.double(flag, minimum: 0.001) else { return nil }
        return Int((min(seconds, 10 * 365 * 86_400) * 1000).rounded())
    }
}
