/// Something registered on a loop that reacts to readiness of its file descriptor.
/// Called on the loop's thread only.
public protocol EventHandler: AnyObject {
    func handleEvents(_ events: IOEvents)
}

/// Something with bytes queued that the loop should write just before it sleeps.
public protocol Flushable: AnyObject {
    func flush()
}

/// A file descriptor's place on a loop. The generation changes when a slot is
/// reused, so readiness reported for a closed fd never reaches the next owner.
public struct Registration: Hashable, Sendable {
    let slot: UInt32
    let generation: UInt32
    public let fd: Int32

    var token: UInt64 { UInt64(generation) << 32 | UInt64(slot) }
}
