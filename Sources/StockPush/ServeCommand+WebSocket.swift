import Server

extension ServeCommand {
    /// The options of every WebSocket connection: message size, compression, heartbeat.
    static let webSocketOptions: [OptionSpec] = [
        OptionSpec(
            "--max-message-bytes", env: "WS_MAX_MESSAGE_BYTES", default: "65536",
            help: "largest WebSocket message; larger closes 1009"),
        OptionSpec(
            "--deflate", env: "WS_DEFLATE", default: "off",
            help: "on: accept permessage-deflate (RFC 7692) compression when a client offers it"),
        OptionSpec(
            "--heartbeat-interval", env: "HEARTBEAT_INTERVAL", aliases: ["WS_HEARTBEAT_INTERVAL"], default: "30",
            help: "seconds between ping frames"),
        OptionSpec(
            "--heartbeat-timeout", env: "HEARTBEAT_TIMEOUT", default: "60", help: "close 4408 after this many silent seconds"),
    ]

    static func webSocketSettings(from options: Options) throws(UsageError) -> WebSocketSettings {
        var settings = WebSocketSettings()
        settings.maxMessageBytes = try options.int("--max-message-bytes", in: 125...(64 << 20)) ?? 65536
        settings.deflate = try options.bool("--deflate")
        settings.heartbeatInterval = try options.double("--heartbeat-interval", minimum: 0.05) ?? 30
        settings.heartbeatTimeout = try options.double("--heartbeat-timeout", minimum: 0.05) ?? 60
        return settings
    }
}
