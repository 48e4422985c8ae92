/// One decoded WebSocket frame with its payload already unmasked.
public struct Frame: Equatable, Sendable {
    public var fin: Bool
    /// The three RSV bits as a value in 0...7 (RSV1 is the high bit); non-zero only with extensions.
    public var rsv: UInt8
    public var opcode: Opcode
    public var payload: [UInt8]

    public init(fin: Bool = true, rsv: UInt8 = 0, opcode: Opcode, payload: [UInt8] = []) {
        self.fin = fin
        self.rsv = rsv
        self.opcode = opcode
        self.payload = payload
    }
}
