import Buffers
import Deflate
import PushProtocol

/// Price updates for permessage-deflate clients: the shared body compressed once, and a
/// head per client that carries its JSON as a stored block (`PriceUpdateHead+Compressed`).
extension PushCore {
    /// How many recently compressed bodies are kept (the newest replaces the oldest).
    static let compressedBodiesKept = 16

    /// `body` compressed, computed once for every client that gets this body.
    func compressed(_ body: SharedBytes) -> SharedBytes {
        if let kept = compressedBodies.first(where: { $0.source === body }) { return kept.compressed }
        let deflater = bodyDeflater ?? MessageDeflater()
        bodyDeflater = deflater
        let compressed = SharedBytes(copying: deflater.compress(body.bytes))
        if compressedBodies.count >= Self.compressedBodiesKept { compressedBodies.removeFirst() }
        compressedBodies.append((body, compressed))
        return compressed
    }

    /// Appends the client's head to the group's arena: for the compressed body (made on
    /// the first compressed client's need, kept in `compressedBody` for the group) or
    /// for the plain one.
    func writeHead(for client: PushClient, body: SharedBytes, compressedBody: inout SharedBytes?) {
        guard client.compressed else {
            PriceUpdateHead.write(seq: client.seq, bodyLength: body.count, into: &arena)
            return
        }
        if compressedBody == nil { compressedBody = compressed(body) }
        PriceUpdateHead.writeCompressed(seq: client.seq, compressedBodyLength: compressedBody!.count, into: &arena)
    }
}
