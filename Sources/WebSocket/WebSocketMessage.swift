/// A complete data message, reassembled from its fragments.
public enum WebSocketMessage: Equatable, Sendable {
    /// Text as bytes already validated as UTF-8, so the glue can forward them without re-checking.
    case text([UInt8])
    case binary([UInt8])
}
