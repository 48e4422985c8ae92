import Testing
import WebSocket

@testable import Server

/// The heartbeat figures `/clients` shows, and how a session remembers its close.
@Suite struct HeartbeatFiguresTests {
    final class Quiet: WebSocketHandler {
        func webSocket(_ connection: Connection, didReceive message: WebSocketMessage) {}
    }

    private func session() -> WebSocketSession {
        WebSocketSession(handler: Quiet(), settings: WebSocketSettings(), now: 1_000)
    }

    @Test func anAnsweredPingGivesTheRoundTripAndClearsMissedPongs() {
        let session = session()
        #expect(!session.hasPinged && session.roundTripMicros == WebSocketSession.noRoundTrip)
        session.pingSent(at: 10_000_000)
        session.pongReceived(at: 10_250_000)
        #expect(session.roundTripMicros == 250 && session.missedPongs == 0 && !session.awaitingPong)
        #expect(session.lastPong == 10_250_000 && session.lastPingSent == 10_000_000)
    }

    @Test func pingsWithoutPongsCountInARowUntilOneIsAnswered() {
        let session = session()
        session.pingSent(at: 1_000_000)
        #expect(session.missedPongs == 0, "the ping in flight is not missed yet")
        session.pingSent(at: 2_000_000)
        session.pingSent(at: 3_000_000)
        #expect(session.missedPongs == 2)
        session.pongReceived(at: 3_500_000)
        #expect(session.missedPongs == 0 && session.roundTripMicros == 500)
        for tick in 0..<300 { session.pingSent(at: 4_000_000 + UInt64(tick)) }
        #expect(session.missedPongs == 255, "saturates rather than wrapping")
    }

    @Test func anUnsolicitedPongKeepsTheLastRoundTrip() {
        let session = session()
        session.pingSent(at: 1_000_000)
        session.pongReceived(at: 1_100_000)
        session.pongReceived(at: 9_000_000)
        #expect(session.roundTripMicros == 100 && session.lastPong == 9_000_000)
    }

    @Test func theFirstCloseIsKept() {
        let session = session()
        session.noteClose(.policyViolation, "slow consumer", byPeer: false)
        session.noteClose(.normalClosure, "bye", byPeer: true)
        #expect(session.closing?.close == WebSocketClose(code: .policyViolation, reason: "slow consumer", byPeer: false))
        let vanished = self.session()
        vanished.peerVanished()
        #expect(vanished.closing?.close.code == .abnormalClosure && vanished.closing?.close.byPeer == true)
    }
}
