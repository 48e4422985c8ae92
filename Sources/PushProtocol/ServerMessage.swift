import Buffers
import JSON
import Market

/// Every server → client message except the `price_update` hot path, each a complete
/// JSON text ready to be framed.
///
/// These are sent a few times per connection, so clarity wins over allocation counts:
/// each call uses a fresh writer. Field order follows the contract's examples, `type`
/// first, so logs read like the documentation. `timestamp` arguments are microseconds
/// since the Unix epoch.
public enum ServerMessage {
    /// `taskID`: the task a task stream follows; `resumeToken`: the price stream's session.
    public static func connected(
        clientID: String, heartbeatInterval: Int, timestamp: Int64, taskID: String? = nil, resumeToken: ResumeToken? = nil
    ) -> [UInt8] {
        message("connected") { writer in
            writer.key("client_id")
            writer.string(clientID)
            writer.key("message")
            writer.string("connected")
            writer.key("heartbeat_interval")
            writer.int(heartbeatInterval)
            if let taskID {
                writer.key("task_id")
                writer.string(taskID)
            }
            writer.key("timestamp")
            writer.timestamp(microseconds: timestamp)
            if let resumeToken {
                writer.key("resume_token")
                writer.string(resumeToken.description)
            }
        }
    }

    /// One accepted target of a subscribe; `stocks` are the codes it covers now.
    public static func subscribed(_ key: SubscriptionKey, stocks: [String], id: JSONValue?) -> [UInt8] {
        message("subscribed") { writer in
            writer.subscriptionKey(key)
            writer.key("stocks")
            writer.beginArray()
            for code in stocks { writer.string(code) }
            writer.endArray()
            writer.echoedID(id)
        }
    }

    public static func unsubscribed(_ key: SubscriptionKey, id: JSONValue?) -> [UInt8] {
        message("unsubscribed") { writer in
            writer.subscriptionKey(key)
            writer.echoedID(id)
        }
    }

    /// The reply to `{"type":"unsubscribe","all":true}`; `count` is how many were dropped.
    public static func unsubscribedAll(count: Int, id: JSONValue?) -> [UInt8] {
        message("unsubscribed") { writer in
            writer.key("all")
            writer.bool(true)
            writer.key("count")
            writer.int(count)
            writer.echoedID(id)
        }
    }

    public static func pong(timestamp: Int64, id: JSONValue?) -> [UInt8] {
        message("pong") { writer in
            writer.key("timestamp")
            writer.timestamp(microseconds: timestamp)
            writer.echoedID(id)
        }
    }

    /// `connected_at` is epoch seconds with millisecond decimals (`1763720000.123`), as
    /// in the contract, so scripts can subtract it from their clock directly.
    public static func status(
        clientID: String, user: String, connectedAt: Double, subscriptions: [SubscriptionKey],
        messageCount: Int, markets: [(market: String, state: MarketState)] = [], timestamp: Int64, id: JSONValue?
    ) -> [UInt8] {
        message("status") { writer in
            writer.key("client_id")
            writer.string(clientID)
            writer.key("user")
            writer.string(user)
            writer.key("connected_at")
            writer.fixed(connectedAt, decimals: 3)
            writer.key("subscriptions")
            writer.subscriptionList(subscriptions)
            writer.key("message_count")
            writer.int(messageCount)
            writer.markets(markets)
            writer.key("timestamp")
            writer.timestamp(microseconds: timestamp)
            writer.echoedID(id)
        }
    }

    /// `target` appears only for per-target refusals; `id` only when the request had one.
    public static func error(_ error: ProtocolError) -> [UInt8] {
        message("error") { writer in
            writer.key("code")
            writer.string(error.code.rawValue)
            writer.key("message")
            writer.string(error.message)
            writer.echoedID(error.id)
            if let target = error.target {
                writer.key("target")
                writer.string(target)
            }
        }
    }

    /// `data` is passed through as given (an admin's test payload).
    public static func broadcast(data: JSONValue, timestamp: Int64) -> [UInt8] {
        message("broadcast") { writer in
            writer.key("data")
            writer.value(data)
            writer.key("timestamp")
            writer.timestamp(microseconds: timestamp)
        }
    }

    /// Sent before close 1001; the delay is drawn per client by the caller.
    public static func serverShutdown(reconnectAfterMs: Int, timestamp: Int64) -> [UInt8] {
        message("server_shutdown") { writer in
            writer.key("reconnect_after_ms")
            writer.int(reconnectAfterMs)
            writer.key("timestamp")
            writer.timestamp(microseconds: timestamp)
        }
    }

    /// `{"type":<type>` + what `fields` writes + `}`.
    static func message(_ type: StaticString, fields: (inout JSONWriter) -> Void) -> [UInt8] {
        var writer = JSONWriter(into: ByteBuffer(capacity: 256))
        writer.beginObject()
        writer.key("type")
        type.withUTF8Buffer { writer.string(utf8: UnsafeRawBufferPointer($0)) }
        fields(&writer)
        writer.endObject()
        return writer.buffer.readableBytesArray
    }
}
