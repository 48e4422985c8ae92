/// A parsed request head, held by the parser while the body is still arriving.
struct RequestHead: Sendable {
    var method: HTTPMethod
    var target: String
    var path: String
    var query: String?
    var version: HTTPVersion
    var headers: HTTPHeaders
    var contentLength: Int

    func request(body: [UInt8]) -> HTTPRequest {
        HTTPRequest(
            method: method, target: target, path: path, query: query,
            version: version, headers: headers, body: body)
    }
}
