/// The `code` of an `error` reply.
///
/// A struct rather than an enum so the set can grow (the contract allows adding codes)
/// without breaking exhaustive switches in callers; the raw value is what goes on the wire.
public struct ErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// The message is not JSON at all.
    public static let invalidJSON = ErrorCode(rawValue: "invalid_json")
    /// JSON, but not an object, or a field is missing or has the wrong type or value.
    public static let invalidMessage = ErrorCode(rawValue: "invalid_message")
    /// `type` names no request the server knows.
    public static let unknownType = ErrorCode(rawValue: "unknown_type")
    /// A subscription target the catalog does not know.
    public static let unknownTarget = ErrorCode(rawValue: "unknown_target")
    /// The message was dropped by flood control.
    public static let rateLimited = ErrorCode(rawValue: "rate_limited")
    /// The connection already holds `WS_MAX_SUBSCRIPTIONS` subscriptions.
    public static let tooManySubscriptions = ErrorCode(rawValue: "too_many_subscriptions")
    /// The server cannot answer yet (its catalog is still loading); retry shortly.
    public static let notReady = ErrorCode(rawValue: "not_ready")
    /// A `resume` whose token names no session: never issued, expired, already used, or
    /// another user's (one answer for all, so a refusal reveals nothing).
    public static let resumeFailed = ErrorCode(rawValue: "resume_failed")
    /// Sessions cannot be read now (Redis unreachable, or resume is off on this server).
    public static let resumeUnavailable = ErrorCode(rawValue: "resume_unavailable")
    /// The task a task stream follows failed (its producer reported `error`).
    public static let taskFailed = ErrorCode(rawValue: "task_failed")

    /// An `ack` named a notification that is not in the user's queue (already
    /// acknowledged, expired or never sent): nothing was removed.
    public static let unknownNotification = ErrorCode(rawValue: "unknown_notification")
    /// The notification queue (Redis) cannot be reached now: live ones still arrive;
    /// queued ones come on a later connection, an `ack` may be retried.
    public static let notificationsUnavailable = ErrorCode(rawValue: "notifications_unavailable")

    public var description: String { rawValue }
}
