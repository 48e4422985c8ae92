import JSON

/// A valid request and the `id` to echo in every reply to it.
public struct ParsedRequest: Equatable, Sendable {
    /// Any JSON value the client chose (number, string, object, even `null`); nil when absent.
    public let id: JSONValue?
    public let request: ClientRequest

    public init(id: JSONValue?, request: ClientRequest) {
        self.id = id
        self.request = request
    }
}
