import JSON
import Market

/// Turns a client's text message into a `ParsedRequest`, or into the exact `error` to
/// send back.
///
/// Validation is complete here so the session code only ever sees well-formed requests,
/// and every refusal names the field at fault and what was expected: clients are written
/// by other teams against the contract, and "invalid message" alone wastes their time.
/// The `id` is read before anything else can fail, so every error after the object
/// parsed echoes it.
public enum RequestParser {
    /// `targets` has no count limit of its own: the contract takes a batch in order up
    /// to the subscription limit and refuses the rest one by one, and the message size
    /// limit (`WS_MAX_MESSAGE_BYTES`) already bounds how many one message can hold.
    public static func parse(_ bytes: [UInt8]) -> Result<ParsedRequest, ProtocolError> {
        bytes.withUnsafeBytes { parse($0) }
    }

    /// The same, over borrowed bytes (a frame payload still in the receive buffer).
    public static func parse(_ bytes: UnsafeRawBufferPointer) -> Result<ParsedRequest, ProtocolError> {
        let json: JSONValue
        do {
            // Client messages are flat; a small depth cap keeps hostile nesting cheap.
            json = try JSONParser.parse(bytes, maxDepth: 32)
        } catch {
            return .failure(ProtocolError(code: .invalidJSON, message: "invalid JSON: \(error)"))
        }
        guard case .object = json else {
            return .failure(ProtocolError(code: .invalidMessage, message: "message must be a JSON object"))
        }
        let id = json["id"]
        do throws(RequestFieldError) {
            let request = try request(from: json)
            return .success(ParsedRequest(id: id, request: request))
        } catch {
            return .failure(ProtocolError(code: error.code, message: error.message, id: id))
        }
    }

    /// The four request types, as the contract spells them.
    static let knownTypes = "subscribe, unsubscribe, ping, get_status, ack, resume"
    static let allowedSubscriptionTypes =
        (SubscriptionType.allCases.map(\.rawValue) + ["notifications"]).joined(separator: ", ")

    static func request(from json: JSONValue) throws(RequestFieldError) -> ClientRequest {
        guard let typeValue = json["type"] else { throw .invalid("missing field \"type\"") }
        guard let type = typeValue.stringValue else { throw .invalid("\"type\" must be a string") }
        switch type {
        case "ping": return .ping
        case "get_status": return .getStatus
        case "ack": return .ack(ids: try acknowledged(from: json))
        case "subscribe":
            if isNotifications(json) { return .subscribeNotifications }
            let (subscriptionType, targets) = try subscription(from: json)
            return .subscribe(subscriptionType, targets: targets)
        case "resume":
            return try resume(from: json)
        case "unsubscribe":
            if let all = json["all"] {
                guard let all = all.boolValue else { throw .invalid("\"all\" must be a boolean") }
                if all {
                    guard json["target"] == nil && json["targets"] == nil else {
                        throw .invalid("\"all\":true cannot be combined with \"target\" or \"targets\"")
                    }
                    return .unsubscribeAll
                }
            }
            if isNotifications(json) { return .unsubscribeNotifications }
            let (subscriptionType, targets) = try subscription(from: json)
            return .unsubscribe(subscriptionType, targets: targets)
        default:
            throw RequestFieldError(
                code: .unknownType, message: "unknown type \"\(type)\"; expected one of \(knownTypes)")
        }
    }

    /// `token` (a non-empty string) and the optional `last_seq` (a non-negative integer).
    static func resume(from json: JSONValue) throws(RequestFieldError) -> ClientRequest {
        guard let rawToken = json["token"] else {
            throw .invalid("missing field \"token\" (the resume_token of a connected message)")
        }
        guard let token = rawToken.stringValue, !token.isEmpty else { throw .invalid("\"token\" must be a non-empty string") }
        guard let rawSeq = json["last_seq"] else { return .resume(token: token, lastSeq: nil) }
        // Up to 2^53: what every JSON reader holds exactly.
        guard let seq = rawSeq.intValue, seq >= 0, seq <= 1 << 53 else {
            throw .invalid("\"last_seq\" must be a non-negative integer")
        }
        return .resume(token: token, lastSeq: UInt64(seq))
    }

    /// `subscription_type` plus `target` or `targets`, shared by subscribe and unsubscribe.
    static func subscription(from json: JSONValue) throws(RequestFieldError) -> (SubscriptionType, [String]) {
        guard let rawType = json["subscription_type"] else {
            throw .invalid("missing field \"subscription_type\"; it must be one of \(allowedSubscriptionTypes)")
        }
        guard let text = rawType.stringValue, let subscriptionType = SubscriptionType(rawValue: text) else {
            throw .invalid("subscription_type must be one of \(allowedSubscriptionTypes)")
        }
        return (subscriptionType, try targets(from: json))
    }

    static func targets(from json: JSONValue) throws(RequestFieldError) -> [String] {
        switch (json["target"], json["targets"]) {
        case (nil, nil):
            throw .invalid("missing field \"target\" (a string) or \"targets\" (an array of strings)")
        case (.some, .some):
            throw .invalid("give either \"target\" or \"targets\", not both")
        case (let single?, nil):
            guard let target = single.stringValue else { throw .invalid("\"target\" must be a string") }
            guard !target.isEmpty else { throw .invalid("\"target\" must not be empty") }
            return [target]
        case (nil, let many?):
            guard let elements = many.arrayValue else { throw .invalid("\"targets\" must be an array of strings") }
            guard !elements.isEmpty else { throw .invalid("\"targets\" must not be empty") }
            var seen = Set<String>(minimumCapacity: elements.count)
            var targets: [String] = []
            targets.reserveCapacity(elements.count)
            for (index, element) in elements.enumerated() {
                guard let target = element.stringValue else { throw .invalid("targets[\(index)] must be a string") }
                guard !target.isEmpty else { throw .invalid("targets[\(index)] must not be empty") }
                if seen.insert(target).inserted { targets.append(target) }
            }
            return targets
        }
    }

    /// The user's own notifications take no target.
    static func isNotifications(_ json: JSONValue) -> Bool {
        json["subscription_type"]?.stringValue == "notifications"
    }

    /// At most this many ids per `ack`: a client acknowledges what one catch-up sent.
    public static let maxAckIDs = 1000

    static func acknowledged(from json: JSONValue) throws(RequestFieldError) -> [String] {
        guard let list = json["ids"]?.arrayValue else { throw .invalid("missing field \"ids\" (an array of notification ids)") }
        guard !list.isEmpty, list.count <= maxAckIDs else {
            throw .invalid("\"ids\" must hold 1 to \(maxAckIDs) notification ids")
        }
        var ids: [String] = []
        for (index, element) in list.enumerated() {
            guard let id = element.stringValue, NotificationID.isValid(id) else {
                throw .invalid("ids[\(index)] is not a notification id (like \"1733400000000-0\")")
            }
            if !ids.contains(id) { ids.append(id) }
        }
        return ids
    }
}
