/// A close status code (RFC 6455 section 7.4).
///
/// Open set: peers may send registered or application codes (3000-4999) we have
/// no name for, and we still need to echo and validate them.
public struct CloseCode: Hashable, Sendable {
    public let rawValue: UInt16

    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    public static let normalClosure = CloseCode(rawValue: 1000)
    public static let goingAway = CloseCode(rawValue: 1001)
    public static let protocolError = CloseCode(rawValue: 1002)
    public static let unsupportedData = CloseCode(rawValue: 1003)
    /// Reserved for APIs: "no code was present". Never sent on the wire.
    public static let noStatusReceived = CloseCode(rawValue: 1005)
    /// Reserved for APIs: "the transport dropped without a close frame". Never sent on the wire.
    public static let abnormalClosure = CloseCode(rawValue: 1006)
    public static let invalidPayload = CloseCode(rawValue: 1007)
    public static let policyViolation = CloseCode(rawValue: 1008)
    public static let messageTooBig = CloseCode(rawValue: 1009)
    public static let mandatoryExtension = CloseCode(rawValue: 1010)
    public static let internalError = CloseCode(rawValue: 1011)
    /// Application code (private range): the client stopped answering pings.
    public static let heartbeatTimeout = CloseCode(rawValue: 4408)

    /// Whether a peer may put this code in a close frame (RFC 6455 7.4 and the IANA registry).
    ///
    /// 1004 is reserved, 1005/1006/1015 are API-only, 1016-2999 are unassigned
    /// protocol codes, and anything from 5000 up is outside the defined ranges.
    public var isValidOnWire: Bool {
        switch rawValue {
        case 1000...1003, 1007...1014, 3000...4999: return true
        default: return false
        }
    }
}

extension CloseCode: CustomStringConvertible {
    public var description: String { "CloseCode(\(rawValue))" }
}
