import JSON

/// One message on the control channels (`P:control`, `P:control:<id>`): an admin
/// request fanned out by an instance, or an instance's reply to it, sent to the asker's
/// own channel. JSON, so an operator can read them with `redis-cli subscribe`:
/// `{"type":"request","id":"node-1-7","from":"node-1","op":"stats","body":{}}`.
struct ControlMessage: Sendable, Equatable {
    enum Kind: String, Sendable {
        case request
        case reply
    }

    enum Operation: String, Sendable, CaseIterable {
        case stats
        case clients
        case broadcast
        case push
        case disconnect
        case notify
    }

    var kind: Kind
    /// Unique per asker (`<instance>-<counter>`): replies name the request they answer.
    var requestID: String
    /// The instance that sent this message.
    var from: String
    var operation: Operation
    /// A request's arguments or a reply's result; always an object.
    var body: JSONValue

    init(kind: Kind, requestID: String, from: String, operation: Operation, body: JSONValue = .object([])) {
        self.kind = kind
        self.requestID = requestID
        self.from = from
        self.operation = operation
        self.body = body
    }

    func encoded() -> [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("type")
        writer.string(kind.rawValue)
        writer.key("id")
        writer.string(requestID)
        writer.key("from")
        writer.string(from)
        writer.key("op")
        writer.string(operation.rawValue)
        writer.key("body")
        writer.value(body)
        writer.endObject()
        return writer.buffer.readableBytesArray
    }

    /// Why bytes on a control channel are not a control message.
    enum DecodeError: Error, Equatable, CustomStringConvertible {
        case notJSON(String)
        case missingField(String)
        case unknown(field: String, value: String)

        var description: String {
            switch self {
            case .notJSON(let reason): "not JSON: \(reason)"
            case .missingField(let name): "no string field \(name)"
            case .unknown(let field, let value): "unknown \(field) '\(value)'"
            }
        }
    }

    init(decoding bytes: [UInt8]) throws(DecodeError) {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes, maxDepth: 16)
        } catch {
            throw .notJSON("\(error)")
        }
        func text(_ name: String) throws(DecodeError) -> String {
            guard let text = value[name]?.stringValue, !text.isEmpty else { throw .missingField(name) }
            return text
        }
        let kindText = try text("type")
        guard let kind = Kind(rawValue: kindText) else { throw .unknown(field: "type", value: kindText) }
        let operationText = try text("op")
        guard let operation = Operation(rawValue: operationText) else { throw .unknown(field: "op", value: operationText) }
        let from = try text("from")
        guard InstanceIdentity.isValid(from) else { throw .unknown(field: "from", value: from) }
        guard let body = value["body"], body.objectValue != nil else { throw .missingField("body") }
        self.init(kind: kind, requestID: try text("id"), from: from, operation: operation, body: body)
    }
}
