import PushCore
import Reactor
import Server
import Telemetry

/// A client the core has let go, as its close line needs it.
struct Departure {
    let info: ClientInfo
    /// Messages the core sent it (`message_count`).
    let messages: Int
}

/// The operator's lines about price-stream connections: one at open, one at close,
/// at info; nothing per message.
enum ConnectionLog {
    static func opened(_ info: ClientInfo, logger: Logger) {
        logger.info(
            "connection opened",
            [
                LogField("client_id", info.clientID), LogField("addr", info.remoteAddress), LogField("user", info.user),
                LogField("authenticated", info.authenticated),
            ])
    }

    static func closed(_ departure: Departure, _ close: WebSocketClose, logger: Logger) {
        let info = departure.info
        logger.info(
            "connection closed",
            [
                LogField("client_id", info.clientID), LogField("addr", info.remoteAddress), LogField("user", info.user),
                LogField("duration_ms", max(0, Int((WallClock.nowMicroseconds() - info.connectedAt) / 1000))),
                LogField("messages", departure.messages), LogField("code", Int(close.code.rawValue)),
                LogField("reason", close.reason), LogField("initiator", close.byPeer ? "client" : "server"),
            ])
    }
}
