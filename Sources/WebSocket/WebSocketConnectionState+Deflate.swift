import Deflate

extension WebSocketConnectionState {
    /// One frame of a compressed message (RFC 7692 6.2): inflated as it arrives onto the
    /// message so far, which may not grow past the message size limit (a small frame
    /// that inflates hugely costs no more than the limit, and gets 1009); text is
    /// checked as UTF-8 after inflation. The last frame delivers the message.
    mutating func receiveCompressed(_ frame: Frame, opcode: Opcode) -> WebSocketAction {
        let inflater = self.inflater ?? MessageInflater(windowBits: Int(deflate?.clientMaxWindowBits ?? 15))
        self.inflater = inflater
        let before = messageBytes.count
        // Array.withUnsafeBytes rethrows untyped errors: the result carries the typed one out.
        let inflated: Result<Void, InflateError> = frame.payload.withUnsafeBytes { payload in
            do throws(InflateError) {
                try inflater.inflate(payload, into: &messageBytes, limit: maxMessageSize)
                if frame.fin { try inflater.finishMessage(into: &messageBytes, limit: maxMessageSize) }
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        if case .failure(let error) = inflated {
            switch error {
            case .invalidData(let reason): return fail(.invalidCompressedData(reason))
            case .tooLarge(let limit): return fail(.inflatedMessageTooLarge(limit: limit))
            }
        }
        if opcode == .text {
            let valid = messageBytes[before...].withUnsafeBytes { utf8.feed($0) }
            guard valid else { return fail(.invalidUTF8) }
        }
        guard frame.fin else { return .none }
        var bytes: [UInt8] = []
        swap(&bytes, &messageBytes)
        messageOpcode = nil
        messageCompressed = false
        // Without context takeover nothing of this message serves the next: free it all.
        if deflate?.clientNoContextTakeover == true { self.inflater = nil }
        return finish(opcode: opcode, bytes: bytes)
    }
}
