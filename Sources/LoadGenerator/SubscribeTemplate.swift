/// The subscribe message each client sends: `{k}` becomes the client's index modulo
/// the number of topics, so clients spread evenly over T0…T{topics-1}.
public struct SubscribeTemplate: Sendable, Equatable {
    public let text: String
    public let topics: Int

    public init(_ text: String, topics: Int) {
        precondition(topics > 0)
        self.text = text
        self.topics = topics
    }

    public func expand(index: Int) -> String {
        let topic = String(index % topics)
        var result = ""
        var rest = Substring(text)
        while let range = rest.firstRange(of: "{k}") {
            result += rest[..<range.lowerBound]
            result += topic
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
