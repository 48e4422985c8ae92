import Buffers

@testable import HTTP1

/// What feeding a byte stream to a fresh parser produced.
struct ParseOutcome: Equatable, CustomStringConvertible {
    var requests: [HTTPRequest] = []
    var error: HTTPParseError?
    /// `hasPartialRequest` after the last chunk.
    var partial = false

    var description: String {
        "requests: \(requests.map { "\($0.method) \($0.target)" }), error: \(String(describing: error)), partial: \(partial)"
    }
}

/// Feeds `chunks` in order, draining complete requests after each one.
func feed(_ chunks: [[UInt8]], limits: HTTPLimits = HTTPLimits()) -> ParseOutcome {
    var parser = HTTPRequestParser(limits: limits)
    var buffer = ByteBuffer()
    var outcome = ParseOutcome()
    do {
        for chunk in chunks {
            buffer.writeBytes(chunk)
            while let request = try parser.next(&buffer) { outcome.requests.append(request) }
        }
    } catch {
        outcome.error = error
    }
    outcome.partial = outcome.error == nil && parser.hasPartialRequest
    return outcome
}

func feed(_ text: String, limits: HTTPLimits = HTTPLimits()) -> ParseOutcome {
    feed([Array(text.utf8)], limits: limits)
}

/// Outcomes for the whole stream at once, byte by byte, and split in two at every offset.
/// A correct incremental parser gives the same outcome for all of them.
func outcomesForEverySplit(_ bytes: [UInt8], limits: HTTPLimits = HTTPLimits()) -> [ParseOutcome] {
    var outcomes = [feed([bytes], limits: limits), feed(bytes.map { [$0] }, limits: limits)]
    for split in 0...bytes.count {
        outcomes.append(feed([Array(bytes[..<split]), Array(bytes[split...])], limits: limits))
    }
    return outcomes
}

/// Parses exactly one request from `text` or returns the error.
func parseOne(_ text: String, limits: HTTPLimits = HTTPLimits()) -> Result<HTTPRequest, HTTPParseError> {
    let outcome = feed(text, limits: limits)
    if let error = outcome.error { return .failure(error) }
    guard outcome.requests.count == 1, let request = outcome.requests.first else {
        return .failure(.badRequest("test harness: expected one request, got \(outcome)"))
    }
    return .success(request)
}

extension Result {
    var error: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
    var value: Success? { try? get() }
}
